import { getConstructionPlans } from 'pg-boss';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

/** The PostgreSQL schema of the platform's job queue (pg-boss): libs/jobs runs the queue in it. */
export const JOB_QUEUE_SCHEMA = 'pgboss';

export const DATASET_STATES = ['queued', 'running', 'stored', 'failed', 'cancelled'] as const;

/**
 * pg-boss's own SQL for a new installation, without its BEGIN/COMMIT: TypeORM already runs each
 * migration in a transaction, and an inner COMMIT would end it half-way.
 */
export function jobQueueConstructionSql(schema: string): string {
  const plan = getConstructionPlans(schema, { createSchema: true }).trim();
  const unwrapped = /^BEGIN;([\s\S]*)COMMIT;$/.exec(plan);
  if (!unwrapped) throw new Error('pg-boss construction plans are no longer one BEGIN ... COMMIT block: review this migration');
  return unwrapped[1];
}

/**
 * What a dataset's row may be, whoever writes it: it is recorded queued, with nothing made yet;
 * what it is made from (id, recipe, requester, protocol, method, creation time) never changes; a
 * finished row (stored, failed, cancelled) is final; only the step to stored, from running, sets
 * the manifest and content hash; only a cancellation names who cancelled. The transitions
 * DatasetsRepository makes (start, progress, stored, failed, waiting, cancelled) all touch
 * unfinished rows and pass.
 */
const GUARD_FUNCTION = `
  CREATE FUNCTION generation_datasets_guard() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      IF NEW.state <> 'queued' OR NEW.manifest IS NOT NULL OR NEW.content_hash IS NOT NULL OR NEW.cancelled_by IS NOT NULL THEN
        RAISE EXCEPTION 'a dataset is recorded queued, with no manifest, content hash or cancellation: it gets them by being made'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END IF;
    IF OLD.state IN ('stored', 'failed', 'cancelled') THEN
      RAISE EXCEPTION 'dataset % is % already: a finished dataset''s record is final', OLD.id, OLD.state
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.recipe::text IS DISTINCT FROM OLD.recipe::text OR NEW.actor IS DISTINCT FROM OLD.actor
       OR NEW.protocol_id IS DISTINCT FROM OLD.protocol_id OR NEW.method IS DISTINCT FROM OLD.method OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
      RAISE EXCEPTION 'dataset %: what it is made from (recipe, requester, protocol, method, creation time) is fixed once recorded', OLD.id
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.state = 'stored' AND OLD.state <> 'running' THEN
      RAISE EXCEPTION 'dataset % is %: only a running dataset becomes stored', OLD.id, OLD.state USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.state <> 'stored' AND (NEW.manifest IS NOT NULL OR NEW.content_hash IS NOT NULL) THEN
      RAISE EXCEPTION 'dataset %: a manifest and content hash come only with its stored state', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.state <> 'cancelled' AND NEW.cancelled_by IS NOT NULL THEN
      RAISE EXCEPTION 'dataset %: who cancelled it is named only by its cancellation', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$`;

/**
 * The data-generation service's datasets (one row per stored dataset: its recipe, who asked,
 * progress, manifest and content hash) and the platform's job queue. The services' runtime role
 * cannot create schemas, so the queue's schema is made here, by the owner, and pg-boss runs with
 * `migrate: false`; a pg-boss upgrade that changes its schema version needs a migration of its own
 * (pg-boss's getMigrationPlans).
 */
export class GenerationDatasets1765100000000 implements MigrationInterface {
  name = 'GenerationDatasets1765100000000';

  async up(db: QueryRunner): Promise<void> {
    // recipe and manifest as json, not jsonb: kept exactly as written (key order included), so a
    // dataset made again from its recipe carries the same manifest bytes.
    await db.query(`
      CREATE TABLE generation_datasets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        protocol_id varchar(64) NOT NULL,
        method varchar(16) NOT NULL,
        recipe json NOT NULL,
        actor jsonb NOT NULL,
        state varchar(16) NOT NULL DEFAULT 'queued'
          CHECK (state IN (${DATASET_STATES.map((state) => `'${state}'`).join(', ')})),
        rows_total integer NOT NULL CHECK (rows_total >= 0),
        subjects_total integer NOT NULL CHECK (subjects_total >= 0),
        rows_written integer NOT NULL DEFAULT 0,
        subjects_written integer NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        error text,
        manifest json,
        content_hash varchar(128),
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        heartbeat_at timestamptz,
        cancelled_by jsonb
      )`);
    await db.query(`CREATE INDEX generation_datasets_created ON generation_datasets (created_at DESC, id)`);
    await db.query(`CREATE INDEX generation_datasets_unfinished ON generation_datasets (state) WHERE state IN ('queued', 'running')`);
    await db.query(GUARD_FUNCTION);
    await db.query(`CREATE TRIGGER generation_datasets_guard BEFORE INSERT OR UPDATE ON generation_datasets FOR EACH ROW EXECUTE FUNCTION generation_datasets_guard()`);
    await db.query(`GRANT SELECT, INSERT, UPDATE ON generation_datasets TO ${RUNTIME_ROLE}`);

    await db.query(jobQueueConstructionSql(JOB_QUEUE_SCHEMA));
    // The runtime sends, takes, settles and cleans up jobs: rows only, never the schema's objects.
    await db.query(`REVOKE ALL ON SCHEMA ${JOB_QUEUE_SCHEMA} FROM PUBLIC`);
    await db.query(`GRANT USAGE ON SCHEMA ${JOB_QUEUE_SCHEMA} TO ${RUNTIME_ROLE}`);
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOB_QUEUE_SCHEMA} TO ${RUNTIME_ROLE}`);
    await db.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${JOB_QUEUE_SCHEMA} TO ${RUNTIME_ROLE}`);
    // The version row is the schema's identity: the runtime only stamps its maintenance times
    // (cron_on, monitor_backoff_on, ...), never inserts, deletes or renumbers it.
    await db.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${JOB_QUEUE_SCHEMA}.version FROM ${RUNTIME_ROLE}`);
    const stamps = (await db.query(
      `SELECT quote_ident(column_name) AS name FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'version' AND column_name <> 'version'`,
      [JOB_QUEUE_SCHEMA],
    )) as Array<{ name: string }>;
    await db.query(`GRANT UPDATE (${stamps.map((column) => column.name).join(', ')}) ON ${JOB_QUEUE_SCHEMA}.version TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM generation_datasets) THEN
          RAISE EXCEPTION 'generation_datasets holds generated datasets (their recipes, requesters and content hashes): reverting would lose the record of how stored synthetic data was made';
        END IF;
      END $$`);
    await db.query(`DROP SCHEMA ${JOB_QUEUE_SCHEMA} CASCADE`);
    await db.query(`DROP TABLE generation_datasets`);
    await db.query(`DROP FUNCTION generation_datasets_guard()`);
  }
}
