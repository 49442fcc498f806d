import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

/**
 * The analytics service takes the design's `documents` table for its study reports. A version is
 * immutable once written: it records the sha256 of the data it was computed from, the software
 * version that computed it, the scope it read (study, sites, dataset) and who generated it.
 * Regenerating writes the next version; the runtime role may insert and read, never change one.
 */
export class AnalyticsDocuments1765800000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE documents
        ADD COLUMN data_sha256 char(64) CHECK (data_sha256 ~ '^[0-9a-f]{64}$'),
        ADD COLUMN software_version varchar(64),
        ADD COLUMN scope jsonb,
        ADD COLUMN created_by_username varchar(64)`);
    await db.query(`ALTER TABLE documents ALTER COLUMN created_at SET DEFAULT clock_timestamp()`);
    await db.query(`CREATE UNIQUE INDEX documents_version_key ON documents (document_type, protocol_id, version)`);
    await db.query(`CREATE INDEX documents_list_idx ON documents (protocol_id, document_type, created_at DESC)`);
    await db.query(`REVOKE UPDATE, DELETE ON documents FROM ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`GRANT UPDATE ON documents TO ${RUNTIME_ROLE}`);
    await db.query(`DROP INDEX documents_list_idx`);
    await db.query(`DROP INDEX documents_version_key`);
    await db.query(`ALTER TABLE documents ALTER COLUMN created_at SET DEFAULT now()`);
    await db.query(`ALTER TABLE documents DROP COLUMN data_sha256, DROP COLUMN software_version, DROP COLUMN scope, DROP COLUMN created_by_username`);
  }
}
