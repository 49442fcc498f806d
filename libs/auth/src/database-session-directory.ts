import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from './authenticated-user.js';
import type { Role } from './roles.js';
import { SessionDirectory } from './session-directory.js';
import type { AccessClaims } from './token.service.js';

@Injectable()
export class DatabaseSessionDirectory extends SessionDirectory {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async find(claims: AccessClaims): Promise<AuthenticatedUser | undefined> {
    const rows: Array<{ username: string; roles: Role[]; site_ids: string[] }> = await this.dataSource.query(
      `SELECT u.username, u.roles, u.site_ids
         FROM auth_sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
      [claims.sid, claims.sub],
    );
    const row = rows[0];
    return row && { id: claims.sub, username: row.username, roles: row.roles, siteIds: row.site_ids, sessionId: claims.sid };
  }
}
