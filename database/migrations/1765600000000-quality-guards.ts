import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

/** The columns a query's moves change (status, assignment, the round's times, re-openings): all the runtime may update. */
const QUERY_MOVE_COLUMNS = [
  'status',
  'assigned_user_id',
  'assigned_username',
  'assigned_site_id',
  'answered_at',
  'closed_at',
  'cancelled_at',
  'reopened_count',
  'updated_at',
] as const;

/** How far before the database's clock a move's stamp may lie: the statement writes clock_timestamp() itself. */
const STAMP_TOLERANCE = `interval '5 seconds'`;

/**
 * Whether a row version was written by the current transaction, a savepoint of it included. The
 * row's 32-bit xmin is widened to 64 bits next to the current transaction's id (a savepoint's id is
 * a later one); only our own rows can be visible while their writer is still in progress.
 */
const WRITTEN_IN_THIS_TRANSACTION = `
  CREATE FUNCTION quality_written_in_this_transaction(row_xmin xid) RETURNS boolean
  LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    current_id bigint;
    raw bigint := row_xmin::text::bigint;
  BEGIN
    IF row_xmin IS NULL THEN
      RETURN false;
    END IF;
    IF row_xmin = pg_current_xact_id()::xid THEN
      RETURN true;
    END IF;
    IF raw < 3 THEN -- frozen or bootstrap: written long ago
      RETURN false;
    END IF;
    current_id := pg_current_xact_id()::text::bigint;
    RETURN coalesce(
      pg_xact_status((current_id + ((raw - current_id % 4294967296 + 6442450944) % 4294967296 - 2147483648))::text::xid8) = 'in progress',
      false);
  END $$`;

/**
 * A query is opened open, by nobody's clock but the database's. Afterwards only its moves change
 * it, each as the lifecycle allows (open → answered → closed, a correction answering again,
 * answered or closed → open counting one more re-opening, open or answered → cancelled; an
 * assignment keeps the status; cancelled is final): each time a move sets is the database's clock
 * at that moment, and what the query is about (data point, value, rule, message, origin, run, who
 * opened it and when) never changes.
 */
const QUERIES_GUARD = `
  CREATE FUNCTION quality_queries_guard() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    clock timestamptz := clock_timestamp();
    movable text[] := ARRAY[${QUERY_MOVE_COLUMNS.map((column) => `'${column}'`).join(', ')}];
    fixed_changed text;
    reopening boolean;
  BEGIN
    IF TG_OP = 'INSERT' THEN
      IF NEW.status <> 'open' OR NEW.answered_at IS NOT NULL OR NEW.closed_at IS NOT NULL OR NEW.cancelled_at IS NOT NULL
         OR NEW.reopened_count <> 0 THEN
        RAISE EXCEPTION 'a query is opened open, never answered, closed, cancelled or re-opened: it gets there by its moves'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF (NEW.origin = 'run') <> (NEW.run_id IS NOT NULL) THEN
        RAISE EXCEPTION 'a query opened by a run names that run, and only such a query names one (origin %, run %)', NEW.origin, coalesce(NEW.run_id::text, 'none')
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.opened_at := clock;
      NEW.updated_at := clock;
      RETURN NEW;
    END IF;

    SELECT string_agg(n.key, ', ' ORDER BY n.key) INTO fixed_changed
      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o ON o.key = n.key
     WHERE n.value IS DISTINCT FROM o.value AND n.key <> ALL (movable);
    IF fixed_changed IS NOT NULL THEN
      RAISE EXCEPTION 'query %: what it is about is fixed once opened (% cannot change); open another query instead', OLD.id, fixed_changed
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status = 'cancelled' THEN
      RAISE EXCEPTION 'query % is cancelled: a cancelled query is final, nothing of it changes', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (OLD.status, NEW.status) NOT IN (('open', 'open'), ('answered', 'answered'), ('open', 'answered'), ('answered', 'closed'),
                                        ('answered', 'open'), ('closed', 'open'), ('open', 'cancelled'), ('answered', 'cancelled')) THEN
      RAISE EXCEPTION 'query % is %: it cannot become % (%)', OLD.id, OLD.status, NEW.status,
        CASE OLD.status WHEN 'open' THEN 'an open query is answered or cancelled'
                        WHEN 'answered' THEN 'an answered query is answered again, closed, re-opened or cancelled'
                        ELSE 'a closed query is only re-opened' END
        USING ERRCODE = 'insufficient_privilege';
    END IF;

    IF NEW.status = OLD.status THEN
      NULL;
    ELSIF NEW.assigned_user_id IS DISTINCT FROM OLD.assigned_user_id OR NEW.assigned_username IS DISTINCT FROM OLD.assigned_username
          OR NEW.assigned_site_id IS DISTINCT FROM OLD.assigned_site_id THEN
      RAISE EXCEPTION 'query %: an assignment is a move of its own, keeping the status (%, not %)', OLD.id, OLD.status, NEW.status
        USING ERRCODE = 'insufficient_privilege';
    END IF;

    reopening := NEW.status = 'open' AND OLD.status <> 'open';
    IF NEW.reopened_count <> OLD.reopened_count + (CASE WHEN reopening THEN 1 ELSE 0 END) THEN
      RAISE EXCEPTION 'query %: re-openings are counted by re-opening it, one at a time (% would become %)', OLD.id, OLD.reopened_count, NEW.reopened_count
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF reopening AND (NEW.answered_at IS NOT NULL OR NEW.closed_at IS NOT NULL) THEN
      RAISE EXCEPTION 'query %: a re-opened query starts a new round, without an answered or closed time', OLD.id
        USING ERRCODE = 'insufficient_privilege';
    END IF;

    -- A move's time: required when the move sets it, allowed again on a correction, else unchanged (or cleared by a re-opening).
    IF (OLD.status = 'open' AND NEW.status = 'answered')
       OR (OLD.status = 'answered' AND NEW.status = 'answered' AND NEW.answered_at IS DISTINCT FROM OLD.answered_at) THEN
      IF NEW.answered_at IS NULL OR NEW.answered_at NOT BETWEEN clock - ${STAMP_TOLERANCE} AND clock THEN
        RAISE EXCEPTION 'query %: answered_at is the time of the answer, the database''s clock now (%), not %', OLD.id, clock, coalesce(NEW.answered_at::text, 'none')
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.answered_at := clock;
    ELSIF NOT reopening AND NEW.answered_at IS DISTINCT FROM OLD.answered_at THEN
      RAISE EXCEPTION 'query %: answered_at changes only when it is answered (or cleared by a re-opening)', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status = 'closed' THEN
      IF NEW.closed_at IS NULL OR NEW.closed_at NOT BETWEEN clock - ${STAMP_TOLERANCE} AND clock THEN
        RAISE EXCEPTION 'query %: closed_at is the time of the close, the database''s clock now (%), not %', OLD.id, clock, coalesce(NEW.closed_at::text, 'none')
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.closed_at := clock;
    ELSIF NOT reopening AND NEW.closed_at IS DISTINCT FROM OLD.closed_at THEN
      RAISE EXCEPTION 'query %: closed_at changes only when it is closed (or cleared by a re-opening)', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status = 'cancelled' THEN
      IF NEW.cancelled_at IS NULL OR NEW.cancelled_at NOT BETWEEN clock - ${STAMP_TOLERANCE} AND clock THEN
        RAISE EXCEPTION 'query %: cancelled_at is the time of the cancellation, the database''s clock now (%), not %', OLD.id, clock, coalesce(NEW.cancelled_at::text, 'none')
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.cancelled_at := clock;
    ELSIF NEW.cancelled_at IS DISTINCT FROM OLD.cancelled_at THEN
      RAISE EXCEPTION 'query %: cancelled_at changes only when it is cancelled', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.updated_at := clock;
    RETURN NEW;
  END $$`;

/** Rule versions, runs and thread messages are records of the moment they are written: the database's clock dates them. */
const RECORDS_GUARD = `
  CREATE FUNCTION quality_records_guard() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    latest integer;
  BEGIN
    IF TG_TABLE_NAME = 'quality_rule_sets' THEN
      SELECT max(version) INTO latest FROM quality_rule_sets WHERE protocol_id = NEW.protocol_id;
      IF NEW.version IS DISTINCT FROM coalesce(latest, 0) + 1 THEN
        RAISE EXCEPTION 'study %''s rules are at version %: the next version is %, not %', NEW.protocol_id, coalesce(latest, 0), coalesce(latest, 0) + 1, NEW.version
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.created_at := clock_timestamp();
    ELSIF TG_TABLE_NAME = 'quality_runs' THEN
      NEW.finished_at := clock_timestamp();
      -- To the millisecond: a time read from the database's clock comes back through a client's date type.
      IF NEW.started_at IS NULL OR NEW.started_at < date_trunc('milliseconds', transaction_timestamp()) OR NEW.started_at > NEW.finished_at THEN
        RAISE EXCEPTION 'a run starts in the transaction that records it, between % and now (%), not at %', transaction_timestamp(), NEW.finished_at,
          coalesce(NEW.started_at::text, 'no time')
          USING ERRCODE = 'insufficient_privilege';
      END IF;
    ELSE
      IF NOT ((NEW.kind IN ('opened', 'reopen') AND NEW.status_after = 'open') OR (NEW.kind IN ('answer', 'correction') AND NEW.status_after = 'answered')
              OR (NEW.kind = 'close' AND NEW.status_after = 'closed') OR (NEW.kind = 'cancel' AND NEW.status_after = 'cancelled')
              OR (NEW.kind IN ('comment', 'assign') AND NEW.status_after IN ('open', 'answered'))) THEN
        RAISE EXCEPTION 'a % message cannot leave its query %', NEW.kind, NEW.status_after USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.created_at := clock_timestamp();
    END IF;
    RETURN NEW;
  END $$`;

/**
 * At commit: a finding (or a query a run opened) belongs to a run recorded in the same
 * transaction, so nothing is added to a finished run; a thread message is written with its
 * query's change, and says the status the query has.
 */
const WRITTEN_TOGETHER = `
  CREATE FUNCTION quality_written_together() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    written xid;
    status_now text;
  BEGIN
    IF TG_TABLE_NAME = 'quality_query_messages' THEN
      SELECT q.xmin, q.status INTO written, status_now FROM quality_queries q WHERE q.id = NEW.query_id;
      IF NOT quality_written_in_this_transaction(written) THEN
        RAISE EXCEPTION 'query %: a thread message is written with the query''s own change (a move, in the same transaction), not afterwards', NEW.query_id
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.status_after IS DISTINCT FROM status_now THEN
        RAISE EXCEPTION 'query %: its % message says the query is %, but it is %', NEW.query_id, NEW.kind, NEW.status_after, status_now
          USING ERRCODE = 'insufficient_privilege';
      END IF;
    ELSE
      SELECT r.xmin INTO written FROM quality_runs r WHERE r.id = NEW.run_id;
      IF NOT quality_written_in_this_transaction(written) THEN
        RAISE EXCEPTION 'run %: % belong to the run recorded in the same transaction; a finished run is not added to',
          NEW.run_id, CASE TG_TABLE_NAME WHEN 'quality_findings' THEN 'findings' ELSE 'the queries it opens' END
          USING ERRCODE = 'insufficient_privilege';
      END IF;
    END IF;
    RETURN NULL;
  END $$`;

const TRIGGERS: Array<{ name: string; table: string; sql: string }> = [
  { name: 'quality_queries_guard', table: 'quality_queries', sql: 'BEFORE INSERT OR UPDATE ON quality_queries FOR EACH ROW EXECUTE FUNCTION quality_queries_guard()' },
  { name: 'quality_rule_sets_guard', table: 'quality_rule_sets', sql: 'BEFORE INSERT ON quality_rule_sets FOR EACH ROW EXECUTE FUNCTION quality_records_guard()' },
  { name: 'quality_runs_guard', table: 'quality_runs', sql: 'BEFORE INSERT ON quality_runs FOR EACH ROW EXECUTE FUNCTION quality_records_guard()' },
  {
    name: 'quality_query_messages_guard',
    table: 'quality_query_messages',
    sql: 'BEFORE INSERT ON quality_query_messages FOR EACH ROW EXECUTE FUNCTION quality_records_guard()',
  },
];

/** Checked at commit: a deferred foreign key lets the run (or the query's change) come later in the transaction. */
const CONSTRAINT_TRIGGERS: Array<{ name: string; table: string; when: string }> = [
  { name: 'quality_findings_of_new_run', table: 'quality_findings', when: '' },
  { name: 'quality_queries_of_new_run', table: 'quality_queries', when: 'WHEN (NEW.run_id IS NOT NULL)' },
  { name: 'quality_query_messages_with_change', table: 'quality_query_messages', when: '' },
];

const INDEXES: Array<{ name: string; sql: string }> = [
  // The queries list: a study's newest first.
  { name: 'quality_queries_list_idx', sql: 'ON quality_queries (protocol_id, opened_at DESC, id DESC)' },
  { name: 'quality_queries_assignee_idx', sql: 'ON quality_queries (assigned_user_id) WHERE assigned_user_id IS NOT NULL' },
  { name: 'quality_queries_rule_idx', sql: 'ON quality_queries (protocol_id, rule_id)' },
];

/**
 * What the services' own login may write to quality's tables, whatever path a write takes: a
 * query changes only by the moves of its lifecycle, dated by the database's clock; rule versions,
 * runs and thread messages are dated by it too, versions follow one another, and nothing is added
 * to a finished run or to a query's thread without a change of the query.
 */
export class QualityGuards1765600000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(WRITTEN_IN_THIS_TRANSACTION);
    await db.query(QUERIES_GUARD);
    await db.query(RECORDS_GUARD);
    await db.query(WRITTEN_TOGETHER);
    for (const trigger of TRIGGERS) await db.query(`CREATE TRIGGER ${trigger.name} ${trigger.sql}`);
    for (const trigger of CONSTRAINT_TRIGGERS) {
      await db.query(`
        CREATE CONSTRAINT TRIGGER ${trigger.name} AFTER INSERT ON ${trigger.table} DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW ${trigger.when} EXECUTE FUNCTION quality_written_together()`);
    }
    for (const index of INDEXES) await db.query(`CREATE INDEX ${index.name} ${index.sql}`);
    // Revoking the table-wide privilege leaves no column's: the runtime updates the moves' columns only.
    await db.query(`REVOKE UPDATE ON quality_queries FROM ${RUNTIME_ROLE}`);
    await db.query(`GRANT UPDATE (${QUERY_MOVE_COLUMNS.join(', ')}) ON quality_queries TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`REVOKE UPDATE ON quality_queries FROM ${RUNTIME_ROLE}`);
    await db.query(`GRANT UPDATE ON quality_queries TO ${RUNTIME_ROLE}`);
    for (const index of INDEXES) await db.query(`DROP INDEX ${index.name}`);
    for (const trigger of [...CONSTRAINT_TRIGGERS, ...TRIGGERS]) await db.query(`DROP TRIGGER ${trigger.name} ON ${trigger.table}`);
    await db.query(`DROP FUNCTION quality_written_together()`);
    await db.query(`DROP FUNCTION quality_records_guard()`);
    await db.query(`DROP FUNCTION quality_queries_guard()`);
    await db.query(`DROP FUNCTION quality_written_in_this_transaction(xid)`);
  }
}
