import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

/**
 * The security service's published directory of users, for the other services (the quality
 * service assigns queries to users): who they are, their roles and sites, whether they are
 * active. Never passwords, e-mail addresses or sign-in times.
 */
export class SecurityUserDirectory1765300000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE VIEW security_user_directory AS SELECT id, username, full_name, roles, site_ids, active FROM users`);
    await db.query(`GRANT SELECT ON security_user_directory TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP VIEW security_user_directory`);
  }
}
