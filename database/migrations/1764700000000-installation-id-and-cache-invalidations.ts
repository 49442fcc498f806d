import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

/**
 * `installation`: one row, the identity of this database, made with the schema. Cache keys carry
 * it, so two installations that share a Redis (and a key prefix) never serve each other's data.
 *
 * `cache_invalidations`: an outbox of cache tags to bump, written in the same transaction as the
 * change they invalidate. A process whose bump after commit could not reach Redis leaves its rows
 * for any process that reaches Redis to apply and delete.
 */
export class InstallationIdAndCacheInvalidations1764700000000 implements MigrationInterface {
  name = 'InstallationIdAndCacheInvalidations1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE installation (
        one        boolean PRIMARY KEY DEFAULT true CHECK (one),
        id         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`INSERT INTO installation DEFAULT VALUES`);
    await db.query(`GRANT SELECT ON installation TO ${RUNTIME_ROLE}`);

    await db.query(`
      CREATE TABLE cache_invalidations (
        id         bigserial PRIMARY KEY,
        tag        text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`GRANT SELECT, INSERT, DELETE ON cache_invalidations TO ${RUNTIME_ROLE}`);
    await db.query(`GRANT USAGE ON SEQUENCE cache_invalidations_id_seq TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE cache_invalidations`);
    await db.query(`DROP TABLE installation`);
  }
}
