import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../../libs/audit/src/index.js';
import { hashPassword, passwordProblem } from '../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';

/** Arbitrary constant: only one process creates the first admin. */
const FIRST_ADMIN_LOCK = 7_301_954;

/** With an empty users table, creates `admin` (password from ADMIN_PASSWORD, or a random one logged once). */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: PlatformConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const given = this.config.ADMIN_PASSWORD;
    if (given && passwordProblem(given, 'admin')) {
      throw new Error(`ADMIN_PASSWORD is too weak: ${passwordProblem(given, 'admin')}`);
    }
    const password = given ?? `${randomBytes(12).toString('base64url')}7a`;
    const created = await this.dataSource.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock($1)', [FIRST_ADMIN_LOCK]);
      const [{ any }] = (await db.query('SELECT EXISTS (SELECT 1 FROM users) AS any')) as Array<{ any: boolean }>;
      if (any) return false;
      const [row] = (await db.query(
        `INSERT INTO users (username, password_hash, roles) VALUES ('admin', $1, '{admin}') RETURNING id`,
        [await hashPassword(password)],
      )) as Array<{ id: string }>;
      await this.audit.record(db, { userId: null, username: 'system', role: null, clientAddress: null, requestId: null }, [
        { action: 'create', entityType: 'user', entityId: row.id, changes: { username: { old: null, new: 'admin' }, roles: { old: null, new: ['admin'] } } },
      ]);
      return true;
    });
    if (!created) return;
    if (given) {
      this.logger.log('Created the first admin user "admin" with the password from ADMIN_PASSWORD');
    } else {
      this.logger.warn(
        `Created the first admin user "admin" with the one-time password ${password} ; ` +
          'sign in and change it (POST /security/users/<id>/reset-password). It is not shown again.',
      );
    }
  }
}
