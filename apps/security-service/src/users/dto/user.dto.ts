import { PageQuery } from '../../../../../libs/platform/src/index.js';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PASSWORD_POLICY, ROLES, type Role } from '../../../../../libs/auth/src/index.js';
import { USERNAME_PATTERN, USERNAME_RULE } from '../username.js';

const SITE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class CreateUserDto {
  @ApiProperty()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username!: string;

  @ApiProperty({ description: PASSWORD_POLICY })
  @IsString()
  password!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each role must be one of ${ROLES.join(', ')}` })
  roles!: Role[];

  @ApiPropertyOptional({ type: [String], example: ['S01'], description: 'the sites the user is limited to; required unless all_sites is true' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @Matches(SITE, { each: true, message: 'each site id must be a site code such as S01' })
  site_ids?: string[];

  @ApiPropertyOptional({ description: 'true: the user sees every site (send no site_ids); never assumed when site_ids is missing' })
  @IsOptional()
  @IsBoolean()
  all_sites?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  full_name?: string;
}

/** Everything but the username and password, each optional; plus deactivating or reactivating. */
export class UpdateUserDto extends PartialType(OmitType(CreateUserDto, ['username', 'password'] as const)) {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** How a create or update names a user's sites. */
export type SiteChoice = Pick<CreateUserDto, 'site_ids' | 'all_sites'>;

export class ResetPasswordDto {
  @ApiProperty({ description: PASSWORD_POLICY })
  @IsString()
  password!: string;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';
}
