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

/** A user as the API shows it (times as ISO strings): never the password hash. */
export type UserResponse = Omit<UserRow, 'last_login_at' | 'created_at' | 'updated_at'> & {
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
};

export const USER_COLUMNS = 'id, username, email, full_name, roles, site_ids, active, last_login_at, created_at, updated_at';

export function toUserResponse(row: UserRow): UserResponse {
  return {
    ...row,
    last_login_at: row.last_login_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
