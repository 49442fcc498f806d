import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '../../../../../libs/auth/src/index.js';
import { type Page, PageInfo } from '../../../../../libs/platform/src/index.js';

export interface UserRow {
  id: string;
  username: string;
  email: string | null;
  full_name: string | null;
  roles: string[];
  site_ids: string[];
  active: boolean;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A user as the API shows it (`UserRow` with times as ISO strings): never the password hash. */
export class UserResponse implements Record<keyof UserRow, unknown> {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'site1.nurse' })
  username!: string;

  @ApiProperty({ type: String, format: 'email', nullable: true, example: null })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  full_name!: string | null;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['investigator'] })
  roles!: string[];

  @ApiProperty({ type: [String], example: ['S01'], description: 'the sites the user is limited to; empty: every site' })
  site_ids!: string[];

  @ApiProperty()
  active!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_login_at!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

export class UserPage implements Page<UserResponse> {
  @ApiProperty({ type: [UserResponse] })
  data!: UserResponse[];

  @ApiProperty({ type: PageInfo })
  page!: PageInfo;
}

export const USER_COLUMNS = 'id, username, email, full_name, roles, site_ids, active, last_login_at, created_at, updated_at';

export function toUserResponse(row: UserRow): UserResponse {
  return {
    ...row,
    last_login_at: row.last_login_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
