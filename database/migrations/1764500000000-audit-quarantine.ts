import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

/**
 * Audit events the database refused (a value its columns cannot hold) are kept here with the
 * reason, so a bad event never blocks the others and is never dropped silently. Append-only for
 * the services, like the trail itself.
 */
export class AuditQuarantine1764500000000 implements MigrationInterface {
  name = 'AuditQuarantine1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_quarantine (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event          jsonb NOT NULL,
        error          text NOT NULL,
        quarantined_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`GRANT SELECT, INSERT ON audit_quarantine TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Quarantined events are audit records: a revert must not destroy them.
    await db.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM audit_quarantine) THEN
          RAISE EXCEPTION 'audit_quarantine holds audit events: export and resolve them before reverting this migration';
        END IF;
      END $$`);
    await db.query(`DROP TABLE audit_quarantine`);
  }
}
