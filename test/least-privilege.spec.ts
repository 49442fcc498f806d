import pg from 'pg';
import { loadPlatformConfig } from '../libs/config/src/index.js';
import { DatabaseConnection, UnsafeRuntimeRoleError } from '../libs/database/src/index.js';
import type { TestDatabase } from './support/test-database.js';
import { type MigratedDatabase, openMigratedDatabase } from './support/migrated-database.js';

/**
 * What the services' own database login can and cannot do (21 CFR Part 11 §11.10(e): the trail
 * cannot be altered by the people and programs it records). Each refusal is tried for real.
 */
describe('the runtime database role', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let runtime: pg.Client;
  let opened: MigratedDatabase | undefined;

  beforeAll(async () => {
    opened = await openMigratedDatabase('least-privilege-spec');
    ({ database, connection, runtime } = opened);
    await runtime.query(`
      INSERT INTO patients (protocol_id, subject_number, site_id, treatment_arm) VALUES ('P1', 'LP-001', 'S01', 'Active');
      INSERT INTO vital_signs (patient_id, visit_name, systolic_bp, diastolic_bp, heart_rate, temperature, data_batch)
        SELECT id, 'Day 1', 120, 80, 70, 36.8, gen_random_uuid() FROM patients WHERE subject_number = 'LP-001';
      INSERT INTO adverse_events (patient_id, term, body_system, onset_date, severity_grade, serious, relationship, outcome, action_taken)
        SELECT id, 'Headache', 'Nervous system disorders', '2026-01-05', 2, false, 'possible', 'recovered', 'none'
          FROM patients WHERE subject_number = 'LP-001';
      INSERT INTO audit_events (action, entity_type, entity_id, subject, username, reason)
        VALUES ('create', 'patient', 'p', 'LP-001', 'nurse', NULL), ('read', 'patient', 'p', 'LP-001', 'monitor', NULL);
      SELECT audit_seal(NULL, true);`);
  });
  afterAll(() => opened?.close());

  /** Refused for lack of privilege (not, say, for a typo in the statement). */
  const refused = (sql: string) =>
    expect(runtime.query(sql)).rejects.toThrow(/permission denied|must be owner|append-only|needs a reason for change/);

  it('is a login of ctp_runtime, neither superuser nor owner of the audit trail', async () => {
    const [row] = (
      await connection.dataSource.query(`
        SELECT current_user AS role, r.rolsuper AS superuser, pg_has_role(current_user, 'ctp_runtime', 'MEMBER') AS runtime,
               pg_has_role(current_user, c.relowner, 'USAGE') AS owner
          FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.oid = 'audit_events'::regclass`)
    ) as Array<Record<string, unknown>>;
    expect(row).toEqual({ role: 'ctp_test_app', superuser: false, runtime: true, owner: false });
  });

  it('has exactly these privileges, table by table (a new table or a wider grant must change this list)', async () => {
    const { rows } = await runtime.query<{ table_name: string; privileges: string }>(`
      SELECT table_name, string_agg(privilege_type, ', ' ORDER BY privilege_type) AS privileges
        FROM information_schema.role_table_grants
       WHERE grantee = 'ctp_runtime' AND table_schema = 'public'
       GROUP BY table_name ORDER BY table_name`);
    expect(Object.fromEntries(rows.map((row) => [row.table_name, row.privileges]))).toEqual({
      adverse_events: 'INSERT, SELECT, UPDATE',
      audit_chain: 'SELECT',
      audit_events: 'INSERT, SELECT',
      audit_quarantine: 'INSERT, SELECT',
      audit_unsealed: 'SELECT',
      auth_sessions: 'INSERT, SELECT, UPDATE',
      cache_invalidations: 'DELETE, INSERT, SELECT',
      documents: 'INSERT, SELECT',
      edc_adverse_event_subjects: 'SELECT',
      edc_adverse_events: 'SELECT',
      edc_locks: 'INSERT, SELECT',
      edc_signatures: 'INSERT, SELECT',
      edc_studies: 'SELECT',
      edc_study_arms: 'SELECT',
      edc_study_sites: 'SELECT',
      edc_study_visits: 'SELECT',
      edc_subject_sites: 'SELECT',
      edc_subjects: 'SELECT',
      edc_vital_sign_subjects: 'SELECT',
      edc_vitals: 'SELECT',
      generation_datasets: 'INSERT, SELECT, UPDATE',
      quality_findings: 'INSERT, SELECT',
      quality_queries: 'INSERT, SELECT',
      quality_query_messages: 'INSERT, SELECT',
      quality_rule_sets: 'INSERT, SELECT',
      quality_runs: 'INSERT, SELECT',
      quality_study_rules: 'SELECT',
      security_user_directory: 'SELECT',
      quality_query_facts: 'SELECT',
      quality_run_facts: 'SELECT',
      installation: 'SELECT',
      mcp_context: 'DELETE, INSERT, SELECT, UPDATE',
      patients: 'INSERT, SELECT, UPDATE',
      randomization_slots: 'INSERT, SELECT',
      refresh_tokens: 'INSERT, SELECT, UPDATE',
      schema_migrations: 'SELECT',
      studies: 'INSERT, SELECT, UPDATE',
      study_arms: 'DELETE, INSERT, SELECT, UPDATE',
      study_sites: 'INSERT, SELECT, UPDATE',
      study_visits: 'DELETE, INSERT, SELECT, UPDATE',
      users: 'INSERT, SELECT, UPDATE',
      vital_signs: 'INSERT, SELECT, UPDATE',
    });
  });

  it('may update only these columns where it has no table-wide update (a new column-level grant must change this list)', async () => {
    const { rows } = await runtime.query<{ table_name: string; privilege: string; columns: string }>(`
      SELECT c.relname AS table_name, a.privilege_type AS privilege, string_agg(att.attname, ', ' ORDER BY att.attname) AS columns
        FROM pg_attribute att
        JOIN pg_class c ON c.oid = att.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        CROSS JOIN LATERAL aclexplode(att.attacl) a
       WHERE a.grantee = 'ctp_runtime'::regrole
       GROUP BY c.relname, a.privilege_type ORDER BY c.relname, a.privilege_type`);
    expect(rows).toEqual([
      { table_name: 'edc_locks', privilege: 'UPDATE', columns: 'unlock_reason, unlocked_at, unlocked_by, unlocked_by_username' },
      {
        table_name: 'quality_queries',
        privilege: 'UPDATE',
        columns: 'answered_at, assigned_site_id, assigned_user_id, assigned_username, cancelled_at, closed_at, reopened_count, status, updated_at',
      },
    ]);
  });

  it("may execute the quality service's capture functions, which PUBLIC may not", async () => {
    const { rows } = await runtime.query<{ name: string; runtime: boolean; public: boolean }>(`
      SELECT p.proname AS name, has_function_privilege('ctp_runtime', p.oid, 'EXECUTE') AS runtime,
             coalesce((SELECT bool_or(a.grantee = 0) FROM aclexplode(p.proacl) a WHERE a.privilege_type = 'EXECUTE'), true) AS public
        FROM pg_proc p WHERE p.proname IN ('quality_open_queries', 'quality_data_point_corrected') ORDER BY p.proname`);
    expect(rows).toEqual([
      { name: 'quality_data_point_corrected', runtime: true, public: false },
      { name: 'quality_open_queries', runtime: true, public: false },
    ]);
  });

  it.each([
    ['change a quarantined audit event', "UPDATE audit_quarantine SET error = 'nothing happened'"],
    ['delete quarantined audit events', 'DELETE FROM audit_quarantine'],
    ['give the database another installation id', 'UPDATE installation SET id = gen_random_uuid()'],
    ['switch triggers off for its session', 'SET session_replication_role = replica'],
    ['disable the audit triggers', 'ALTER TABLE audit_events DISABLE TRIGGER ALL'],
    ['change an audit event', "UPDATE audit_events SET reason = 'edited', username = 'someone else'"],
    ['delete audit events', 'DELETE FROM audit_events'],
    ['truncate audit events', 'TRUNCATE audit_events'],
    ['rewrite a chain link', "UPDATE audit_chain SET hash = repeat('0', 64)"],
    ['delete chain links', 'DELETE FROM audit_chain'],
    ['forge a chain link', "INSERT INTO audit_chain (event_seq, previous_hash, hash) VALUES (999, NULL, repeat('0', 64))"],
    ['drop events from the sealing queue', 'DELETE FROM audit_unsealed'],
    ['replace the hash function', 'CREATE OR REPLACE FUNCTION audit_event_hash(previous_hash text, e audit_events) RETURNS char(64) LANGUAGE sql AS $$ SELECT repeat($q$0$q$, 64)::char(64) $$'],
    ['drop the append-only trigger', 'DROP TRIGGER audit_events_append_only ON audit_events'],
    ['create its own objects in the schema', 'CREATE TABLE shadow (id int)'],
    ['change vital signs without a reason for change', 'UPDATE vital_signs SET systolic_bp = 99'],
    ['delete vital signs without a reason for change', 'DELETE FROM vital_signs'],
    ['change a subject without a reason for change', "UPDATE patients SET treatment_arm = 'Placebo'"],
    ['truncate clinical data', 'TRUNCATE vital_signs'],
    ['disable the clinical change trigger', 'ALTER TABLE vital_signs DISABLE TRIGGER vital_signs_audited_change'],
    ['hard-delete an adverse event', 'DELETE FROM adverse_events'],
    ['hard-delete a vital sign, even with a reason', "SELECT set_config('ctp.change_reason', 'tidying up', true); DELETE FROM vital_signs"],
    ['hard-delete a subject, even with a reason', "SELECT set_config('ctp.change_reason', 'tidying up', true); DELETE FROM patients"],
    ['remove a site from a study', 'DELETE FROM study_sites'],
    ['change an adverse event without a reason for change', 'UPDATE adverse_events SET severity_grade = 1'],
    ['rewrite who locked data', "UPDATE edc_locks SET locked_by_username = 'someone else'"],
    ['delete a lock', 'DELETE FROM edc_locks'],
    ['revive an invalidated signature', 'UPDATE edc_signatures SET invalidated_at = NULL'],
    ['delete a signature', 'DELETE FROM edc_signatures'],
    ['change a randomization slot', "UPDATE randomization_slots SET arm_code = 'Placebo'"],
    ['disable the lock and signature guard', 'ALTER TABLE vital_signs DISABLE TRIGGER vital_signs_guard_update'],
    ['delete a generated dataset\'s record', 'DELETE FROM generation_datasets'],
    ['create objects in the job queue\'s schema', 'CREATE TABLE pgboss.shadow (id int)'],
    ['delete the job queue\'s version row', 'DELETE FROM pgboss.version'],
    ['renumber the job queue\'s schema version', 'UPDATE pgboss.version SET version = version + 1'],
    ['rewrite the value a query is about', "UPDATE quality_queries SET value = '120'"],
    ['rewrite who opened a query', "UPDATE quality_queries SET opened_by_username = 'someone else'"],
    ['back-date when a query was opened', "UPDATE quality_queries SET opened_at = opened_at - interval '30 days'"],
    ['rewrite a query\'s message', "UPDATE quality_queries SET message = 'nothing to see'"],
    ['delete a query', 'DELETE FROM quality_queries'],
    ['rewrite a finding', "UPDATE quality_findings SET value = '120'"],
    ['delete a run\'s findings', 'DELETE FROM quality_findings'],
    ['rewrite a run', 'UPDATE quality_runs SET finished_at = started_at'],
    ['rewrite a query\'s thread', "UPDATE quality_query_messages SET created_at = created_at - interval '1 day'"],
    ['rewrite a rule version', "UPDATE quality_rule_sets SET rules = '[]'"],
    ['rewrite a version of a study report', "UPDATE documents SET content = '{}'"],
    ['delete a version of a study report', 'DELETE FROM documents'],
    ['disable the quality queries guard', 'ALTER TABLE quality_queries DISABLE TRIGGER quality_queries_guard'],
    ['drop the check that findings belong to a new run', 'DROP TRIGGER quality_findings_of_new_run ON quality_findings'],
    ['replace the quality queries guard', 'CREATE OR REPLACE FUNCTION quality_queries_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$'],
  ])('cannot %s', async (_what, sql) => {
    await refused(sql);
  });

  it('may stamp the job queue\'s maintenance times on its version row (pg-boss does at run time), nothing else there', async () => {
    await runtime.query('UPDATE pgboss.version SET cron_on = now(), monitor_backoff_on = NULL');
  });

  it('left the data and the trail as they were after every refusal', async () => {
    const { rows } = await runtime.query(`
      SELECT (SELECT systolic_bp FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.subject_number = 'LP-001') AS systolic,
             (SELECT treatment_arm FROM patients WHERE subject_number = 'LP-001') AS arm,
             (SELECT count(*)::int FROM audit_events) AS events,
             (SELECT count(*)::int FROM audit_chain) AS links`);
    expect(rows[0]).toEqual({ systolic: 120, arm: 'Active', events: 2, links: 2 });
  });

  it('changes clinical data only with a reason, writing the audit event with old and new values in the same transaction', async () => {
    await runtime.query('BEGIN');
    await runtime.query("SELECT set_config('ctp.change_reason', 'transcription error', true)");
    await runtime.query(`SELECT set_config('ctp.actor', '{"username":"dm.jones","role":"data_manager","requestId":"req-9"}', true)`);
    await runtime.query('UPDATE vital_signs SET systolic_bp = 125');
    const during = await runtime.query("SELECT xmin::text AS tx FROM audit_events WHERE action = 'update'");
    const change = await runtime.query('SELECT xmin::text AS tx FROM vital_signs');
    await runtime.query('COMMIT');
    expect(during.rows[0].tx).toBe(change.rows[0].tx);
    const { rows } = await runtime.query("SELECT * FROM audit_events WHERE action = 'update'");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      entity_type: 'vital_sign',
      subject: 'LP-001',
      username: 'dm.jones',
      role: 'data_manager',
      request_id: 'req-9',
      reason: 'transcription error',
      changes: { systolic_bp: { old: 120, new: 125 } },
    });
    expect(Object.keys(rows[0].changes)).toEqual(['systolic_bp']);
  });

  it('forgets the reason when its transaction ends', async () => {
    await refused('UPDATE vital_signs SET systolic_bp = 126');
  });

  it('is refused in production when it may create objects in the schema (what PostgreSQL 14 allows by default)', async () => {
    await database.admin('GRANT CREATE ON SCHEMA public TO PUBLIC');
    try {
      const config = loadPlatformConfig({}, {
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(40),
        AUDIT_ANCHOR_SECRET: 'y'.repeat(40),
        DATABASE_URL: database.url,
        DB_MIGRATIONS_RUN: 'false',
        DB_POOL_MIN: '0',
      });
      await expect(DatabaseConnection.open(config, { applicationName: 'schema-creator' })).rejects.toThrow(/may create objects in the schema/);
    } finally {
      await database.admin('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    }
  });

  it('is refused as the services login in production when it is a superuser', async () => {
    const config = loadPlatformConfig({}, {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      AUDIT_ANCHOR_SECRET: 'y'.repeat(40),
      DATABASE_URL: database.superuserUrl,
      DB_MIGRATIONS_RUN: 'false',
      DB_POOL_MIN: '0',
    });
    await expect(DatabaseConnection.open(config, { applicationName: 'superuser-runtime' })).rejects.toThrow(UnsafeRuntimeRoleError);
  });
});
