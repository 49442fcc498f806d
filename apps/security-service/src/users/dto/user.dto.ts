import { PageQuery } from '../../../../../libs/platform/src/index.js';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PASSWORD_POLICY, ROLES, type Role } from '../../../../../libs/auth/src/index.js';

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;
const SITE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class CreateUserDto {
  @ApiProperty()
  @Matches(USERNAME, { message: 'username must be 3-64 letters, digits, dots, dashes or underscores' })
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

  @ApiPropertyOptional({ type: [String], description: 'sites the user is limited to; empty: every site' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @Matches(SITE, { each: true, message: 'each site id must be a site code such as S01' })
  site_ids?: string[];

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
