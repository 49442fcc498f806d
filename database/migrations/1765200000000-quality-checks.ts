import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

export const QUERY_STATUSES = ['open', 'answered', 'closed', 'cancelled'] as const;
export const RULE_SEVERITIES = ['critical', 'major', 'minor'] as const;

/** A query's data point: study, subject, visit, field, value (by its md5), rule and vital sign. */
const DATA_POINT_KEY = `protocol_id, subject_id, coalesce(visit_name, ''), coalesce(field, ''), md5(coalesce(value, '')),
   coalesce(rule_id, ''), coalesce(vital_sign_id, '00000000-0000-0000-0000-000000000000'::uuid)`;

/**
 * The quality service's tables: each study's rule library as immutable versions, the runs of the
 * checks with their findings, and the data queries with their threads. Quality reads the EDC's
 * data only through the views the EDC publishes (edc_vitals, edc_subjects, edc_studies, ...).
 */
export class QualityChecks1765200000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    // A study's rules: every change writes a new version of the whole library; none is edited.
    await db.query(`
      CREATE TABLE quality_rule_sets (
        protocol_id         varchar(64) NOT NULL,
        version             integer NOT NULL CHECK (version >= 1),
        rules               jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
        change_summary      text NOT NULL,
        changed_by          uuid,
        changed_by_username varchar(64),
        created_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (protocol_id, version)
      )`);

    await db.query(`
      CREATE TABLE quality_runs (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        protocol_id          varchar(64) NOT NULL,
        site_id              varchar(64),
        subject_id           varchar(64),
        dataset_id           uuid,
        -- The sites the run read: null only for a run over every site of the study. A site-limited
        -- reader sees a run only when these are all theirs (a one-subject run names its subject's site).
        site_ids             text[],
        rules_version        integer NOT NULL CHECK (rules_version >= 0),
        -- sha256 of the library as run (canonical JSON, keys sorted): version 0, the defaults, may change between releases.
        rules_sha256         char(64) NOT NULL CHECK (rules_sha256 ~ '^[0-9a-f]{64}$'),
        run_by               uuid,
        run_by_username      varchar(64),
        started_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        rows_checked         bigint NOT NULL CHECK (rows_checked >= 0),
        subjects_checked     bigint NOT NULL CHECK (subjects_checked >= 0),
        findings_total       bigint NOT NULL CHECK (findings_total >= 0),
        findings_by_severity jsonb NOT NULL,
        findings_by_rule     jsonb NOT NULL,
        queries_opened       bigint NOT NULL CHECK (queries_opened >= 0)
      )`);
    await db.query(`CREATE INDEX quality_runs_study_idx ON quality_runs (protocol_id, started_at DESC)`);

    await db.query(`
      CREATE TABLE quality_queries (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        protocol_id        varchar(64) NOT NULL,
        site_id            varchar(64),
        subject_id         varchar(64) NOT NULL,
        patient_id         uuid,
        vital_sign_id      uuid,
        visit_name         varchar(64),
        field              varchar(64),
        value              text,
        rule_id            varchar(32),
        severity           varchar(8) NOT NULL CHECK (severity IN (${RULE_SEVERITIES.map((s) => `'${s}'`).join(', ')})),
        message            text NOT NULL,
        status             varchar(12) NOT NULL DEFAULT 'open' CHECK (status IN (${QUERY_STATUSES.map((s) => `'${s}'`).join(', ')})),
        origin             varchar(12) NOT NULL CHECK (origin IN ('run', 'capture', 'manual')),
        -- Deferred: a run's row is written last, once its queries and findings are (runs are insert-only).
        run_id             uuid REFERENCES quality_runs (id) DEFERRABLE INITIALLY DEFERRED,
        assigned_user_id   uuid,
        assigned_username  varchar(64),
        assigned_site_id   varchar(64),
        opened_by          uuid,
        opened_by_username varchar(64),
        opened_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        answered_at        timestamptz,
        closed_at          timestamptz,
        cancelled_at       timestamptz,
        reopened_count     integer NOT NULL DEFAULT 0 CHECK (reopened_count >= 0),
        updated_at         timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // One open (or answered) query per data point and rule. The value is keyed by its md5: a value
    // of any length fits the index (a long one would overflow a btree entry).
    await db.query(`
      CREATE UNIQUE INDEX quality_queries_one_open_idx ON quality_queries (${DATA_POINT_KEY})
        WHERE status IN ('open', 'answered')`);
    // A run opens no query on a data point that has one in any status (a closed one stays closed).
    await db.query(`CREATE INDEX quality_queries_data_point_idx ON quality_queries (${DATA_POINT_KEY})`);
    await db.query(`CREATE INDEX quality_queries_study_status_idx ON quality_queries (protocol_id, status, site_id)`);
    await db.query(`CREATE INDEX quality_queries_subject_idx ON quality_queries (protocol_id, subject_id)`);
    await db.query(`CREATE INDEX quality_queries_vital_idx ON quality_queries (vital_sign_id) WHERE vital_sign_id IS NOT NULL`);

    await db.query(`
      CREATE TABLE quality_findings (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id        uuid NOT NULL REFERENCES quality_runs (id) DEFERRABLE INITIALLY DEFERRED,
        rule_id       varchar(32) NOT NULL,
        severity      varchar(8) NOT NULL CHECK (severity IN (${RULE_SEVERITIES.map((s) => `'${s}'`).join(', ')})),
        hard          boolean NOT NULL,
        protocol_id   varchar(64) NOT NULL,
        site_id       varchar(64),
        subject_id    varchar(64) NOT NULL,
        patient_id    uuid,
        vital_sign_id uuid,
        visit_name    varchar(64),
        field         varchar(64),
        value         text,
        message       text NOT NULL,
        query_id      uuid REFERENCES quality_queries (id)
      )`);
    await db.query(`CREATE INDEX quality_findings_run_idx ON quality_findings (run_id, rule_id)`);
    await db.query(`CREATE INDEX quality_findings_run_page_idx ON quality_findings (run_id, id)`);

    await db.query(`
      CREATE TABLE quality_query_messages (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        query_id        uuid NOT NULL REFERENCES quality_queries (id),
        kind            varchar(12) NOT NULL CHECK (kind IN ('opened', 'answer', 'correction', 'comment', 'close', 'reopen', 'cancel', 'assign')),
        body            text NOT NULL,
        status_after    varchar(12) NOT NULL CHECK (status_after IN (${QUERY_STATUSES.map((s) => `'${s}'`).join(', ')})),
        author_id       uuid,
        author_username varchar(64),
        created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await db.query(`CREATE INDEX quality_query_messages_query_idx ON quality_query_messages (query_id, id)`);

    // Rule versions, runs, findings and messages are records: written once, never changed.
    await db.query(`GRANT SELECT, INSERT ON quality_rule_sets, quality_runs, quality_findings, quality_query_messages TO ${RUNTIME_ROLE}`);
    await db.query(`GRANT SELECT, INSERT, UPDATE ON quality_queries TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE quality_query_messages`);
    await db.query(`DROP TABLE quality_findings`);
    await db.query(`DROP TABLE quality_queries`);
    await db.query(`DROP TABLE quality_runs`);
    await db.query(`DROP TABLE quality_rule_sets`);
  }
}
