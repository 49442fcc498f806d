import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { SubjectBlock } from '../apps/data-generation-service/src/generators/dataset.js';
import { BULK_LOAD_STATEMENT_TIMEOUT_MS, type BulkLoadCounts, beginBulkLoad, bulkLoad } from '../apps/data-generation-service/src/storage/edc-bulk-load.js';
import { ACTIONS_TAKEN, BODY_SYSTEMS, OUTCOMES, RELATIONSHIPS } from '../apps/edc-service/src/adverse-events/adverse-event-fields.js';
import { subjectCacheTag } from '../apps/edc-service/src/patients/subject-cache.js';
import { studyCacheTag } from '../apps/edc-service/src/studies/study-cache.js';
import { loadPlatformConfig } from '../libs/config/src/index.js';
import { DatabaseConnection, runMigrations } from '../libs/database/src/index.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { type MigratedDatabase, openMigratedDatabase } from './support/migrated-database.js';

/**
 * The EDC's bulk-load contract for generated datasets, used as the generation service uses it:
 * through its typed client, as the services' own database login. A load is checked against the
 * rules of capture and stored whole, or refused whole with a CT4xx SQLSTATE and a message for a
 * person.
 */
describe('the EDC bulk-load contract for generated datasets', () => {
  let database: TestDatabase;
  let runtime: pg.Client;
  let opened: MigratedDatabase | undefined;

  beforeAll(async () => {
    opened = await openMigratedDatabase('edc-bulk-load-spec');
    ({ database, runtime } = opened);
    // Studies are set up by their owner; the load only reads their design.
    await database.admin(`
      INSERT INTO studies (protocol_id, title, status) VALUES ('STRICT', 'Strict study', 'enrolling'), ('SHUT', 'Closed study', 'closed');
      INSERT INTO studies (protocol_id, title, status, allow_new_sites, allow_unscheduled_visits, allow_unlisted_arms)
        VALUES ('OPEN', 'Open study', 'enrolling', true, true, true);
      INSERT INTO study_sites (protocol_id, site_id, active) VALUES ('STRICT', 'S01', true), ('STRICT', 'S09', false), ('OPEN', 'S01', true);
      INSERT INTO study_arms (protocol_id, arm_code, display_order) VALUES ('STRICT', 'Active', 1), ('STRICT', 'Placebo', 2);
      INSERT INTO study_visits (protocol_id, visit_name, display_order, planned_day) VALUES ('STRICT', 'Day 1', 1, 1), ('STRICT', 'Week 4', 2, 29);
      INSERT INTO patients (protocol_id, subject_number, site_id, treatment_arm, status) VALUES ('STRICT', 'CAP-001', 'S01', 'Active', 'randomized');`);
  });
  afterAll(() => opened?.close());

  /** Loads in one transaction as the generation service does; answers the counts or the refusal. */
  const load = async (protocolId: string, blocks: SubjectBlock[], datasetId = randomUUID()): Promise<BulkLoadCounts> => {
    await runtime.query('BEGIN');
    try {
      await runtime.query(`SELECT set_config('ctp.actor', '{"username":"dm.gen","role":"data_manager"}', true)`);
      const counts = await bulkLoad(runtime, { datasetId, protocolId, blocks }, { chunkCharacters: 512 });
      await runtime.query('COMMIT');
      return counts;
    } catch (error) {
      await runtime.query('ROLLBACK');
      throw error;
    }
  };
  const refusalOf = (promise: Promise<unknown>) =>
    promise.then(
      () => ({ code: 'stored', message: '' }),
      (error: { code: string; message: string }) => ({ code: error.code, message: error.message }),
    );
  const tableCounts = async () =>
    (
      await database.admin(`
        SELECT (SELECT count(*)::int FROM patients) AS patients, (SELECT count(*)::int FROM vital_signs) AS vitals,
               (SELECT count(*)::int FROM adverse_events) AS events, (SELECT count(*)::int FROM study_sites) AS sites,
               (SELECT count(*)::int FROM cache_invalidations) AS invalidations, (SELECT count(*)::int FROM audit_events) AS audit`)
    ).rows[0];

  it('stores subjects, their storable vitals and their events, tagged with the dataset, visible in the EDC views', async () => {
    const datasetId = randomUUID();
    const first = blockOf('GEN-001', { unstorable: [1] });
    const counts = await load('STRICT', [first, blockOf('GEN-002', { arm: 'Placebo', status: 'withdrawn', events: 0 })], datasetId);

    expect(counts).toEqual({ subjects: 2, vitalSigns: 3, adverseEvents: 1 });
    const subjects = await runtime.query(
      `SELECT subject_number, site_id, treatment_arm, status, randomized_by_platform, enrollment_date::text, consent_date::text, demographics, dataset_id
         FROM edc_subjects WHERE protocol_id = 'STRICT' AND dataset_id IS NOT NULL ORDER BY subject_number`,
    );
    expect(subjects.rows).toEqual([
      { subject_number: 'GEN-001', site_id: 'S01', treatment_arm: 'Active', status: 'randomized', randomized_by_platform: false, enrollment_date: '2026-01-05', consent_date: '2026-01-02', demographics: first.subject.demographics, dataset_id: datasetId },
      expect.objectContaining({ subject_number: 'GEN-002', treatment_arm: 'Placebo', status: 'withdrawn', dataset_id: datasetId }),
    ]);
    const vitals = await runtime.query(
      `SELECT subject_number, visit_name, systolic_bp, temperature::text, data_batch, dataset_id FROM edc_vitals WHERE dataset_id = $1 ORDER BY subject_number, visit_name`,
      [datasetId],
    );
    // GEN-001's record 1 (Week 4) is unstorable: left out.
    expect(vitals.rows.map((row) => [row.subject_number, row.visit_name])).toEqual([['GEN-001', 'Day 1'], ['GEN-002', 'Day 1'], ['GEN-002', 'Week 4']]);
    expect(vitals.rows.every((row) => row.data_batch === datasetId && row.dataset_id === datasetId)).toBe(true);
    expect(vitals.rows[0]).toMatchObject({ systolic_bp: 128, temperature: '36.8' });
    const events = await runtime.query(`SELECT subject_number, term, severity_grade, dataset_id FROM edc_adverse_events WHERE dataset_id = $1`, [datasetId]);
    expect(events.rows).toEqual([{ subject_number: 'GEN-001', term: 'Headache', severity_grade: 2, dataset_id: datasetId }]);
    const captured = await runtime.query(`SELECT dataset_id FROM edc_subjects WHERE subject_number = 'CAP-001'`);
    expect(captured.rows).toEqual([{ dataset_id: null }]);
  });

  it("records the cache invalidations of the loaded subjects and of the study, in the load's transaction", async () => {
    await database.admin('DELETE FROM cache_invalidations');
    await load('STRICT', [blockOf('GEN-010'), blockOf('GEN-011')]);
    const { rows } = await database.admin('SELECT tag FROM cache_invalidations ORDER BY tag');
    expect(rows.map((row) => row.tag)).toEqual([studyCacheTag('STRICT'), subjectCacheTag('GEN-010'), subjectCacheTag('GEN-011')].sort());
  });

  it('refuses a dataset stored already, with CT409', async () => {
    const datasetId = randomUUID();
    await load('STRICT', [blockOf('GEN-020')], datasetId);
    const before = await tableCounts();
    const refused = await refusalOf(load('STRICT', [blockOf('GEN-021')], datasetId));
    expect(refused).toEqual({ code: 'CT409', message: `dataset ${datasetId} is stored already (1 subjects); a dataset is stored once; nothing was stored` });
    expect(await tableCounts()).toEqual(before);
  });

  const future = '2999-01-01';
  it.each<[string, string, () => SubjectBlock[], string, RegExp]>([
    ['a study that does not exist', 'NOPE', () => [blockOf('R-001')], 'CT404', /^study NOPE does not exist; nothing was stored/],
    ['a closed study', 'SHUT', () => [blockOf('R-001')], 'CT409', /^study SHUT is closed; it takes no new data/],
    ['a visit outside the schedule of a strict study', 'STRICT', () => [blockOf('R-001', { visit: 'Week 99' })], 'CT422',
      /^1 vital sign row\(s\) name a visit that is not in the schedule of study STRICT \(allowed: Day 1, Week 4\); nothing was stored \(first: subject R-001, visit Week 99\)/],
    ['an arm the strict study does not have', 'STRICT', () => [blockOf('R-001', { arm: 'Magic' })], 'CT422',
      /^1 subject row\(s\) name an arm that is not an arm of study STRICT \(allowed: Active, Placebo\); nothing was stored \(first: subject R-001, arm Magic\)/],
    ['a site the strict study does not have', 'STRICT', () => [blockOf('R-001', { site: 'S77' })], 'CT422',
      /^1 subject row\(s\) are at a site that is not a site of study STRICT \(allowed: S01\); nothing was stored \(first: subject R-001, site S77\)/],
    ['a site the study has closed', 'STRICT', () => [blockOf('R-001', { site: 'S09' })], 'CT422', /^1 subject row\(s\) are at a site of study STRICT that is closed/],
    ['a subject number the study holds already', 'STRICT', () => [blockOf('R-001'), blockOf('CAP-001')], 'CT409',
      /^1 subject number\(s\) of the dataset exist already in study STRICT \(first: subject CAP-001\); .*first_subject_number/],
    ['a subject sent twice', 'STRICT', () => [blockOf('R-001'), blockOf('R-001')], 'CT422', /^1 subject number\(s\) appear more than once in the load; nothing was stored \(first: subject R-001\)/],
    ['a vital sign of a subject not in the load', 'STRICT', () => [blockOf('R-001'), { ...blockOf('R-002'), subject: blockOf('R-003').subject }], 'CT422',
      /^2 vital sign row\(s\) do not belong to a subject of the load.*\(first: subject R-002, visit Day 1: no subject row of that number in the load\)/],
    ['a vital sign naming another arm than its subject', 'STRICT', () => [withRecord(blockOf('R-001'), 1, { TreatmentArm: 'Placebo' })], 'CT422',
      /^1 vital sign row\(s\) .*\(first: subject R-001, visit Week 4: arm Placebo, but the subject is in arm Active\)/],
    ['an adverse event of a subject not in the load', 'STRICT', () => [{ ...blockOf('R-001'), adverseEvents: [{ ...blockOf('R-009').adverseEvents[0] }] }], 'CT422',
      /^1 adverse event row\(s\) do not belong to a subject of the load; nothing was stored \(first: subject R-009, event Headache\)/],
    ['a measurement sent twice', 'STRICT', () => [withRecord(blockOf('R-001'), 1, { VisitName: 'Day 1', MeasurementTime: '2026-01-05T09:00:00Z' })], 'CT422',
      /^1 measurement\(s\) appear more than once in the load \(same subject, visit and measurement time\); nothing was stored \(first: subject R-001, visit Day 1 at /],
    ['a value outside what capture accepts', 'STRICT', () => [withRecord(blockOf('R-001'), 0, { SystolicBP: 320 })], 'CT422',
      /^1 vital sign row\(s\) hold values capture refuses .*\(first: subject R-001, visit Day 1: 320\/82 mmHg/],
    ['a diastolic pressure above the systolic', 'STRICT', () => [withRecord(blockOf('R-001'), 0, { SystolicBP: 80, DiastolicBP: 90 })], 'CT422', /^1 vital sign row\(s\) hold values capture refuses/],
    ['a visit date in the future', 'STRICT', () => [withRecord(blockOf('R-001'), 1, { VisitDate: future })], 'CT422',
      /^1 vital sign row\(s\) have a visit date or measurement time in the future; nothing was stored \(first: subject R-001, visit Week 4 on 2999-01-01/],
    ['a measurement time in the future', 'STRICT', () => [withRecord(blockOf('R-001'), 1, { MeasurementTime: `${future}T08:00:00Z` })], 'CT422', /in the future/],
    ['an enrollment in the future', 'STRICT', () => [{ ...blockOf('R-001'), subject: { ...blockOf('R-001').subject, EnrollmentDate: future } }], 'CT422',
      /^1 subject row\(s\) have an enrollment or consent date in the future/],
    ['an adverse event outside the vocabulary', 'STRICT', () => [{ ...blockOf('R-001'), adverseEvents: [{ ...blockOf('R-001').adverseEvents[0], outcome: 'cured' }] }], 'CT422',
      /^1 adverse event row\(s\) have a grade outside 1-5 or a body system, relationship, outcome or action outside capture's vocabulary/],
    ['an adverse event ending before its onset', 'STRICT', () => [{ ...blockOf('R-001'), adverseEvents: [{ ...blockOf('R-001').adverseEvents[0], end_date: '2025-12-01' }] }], 'CT422',
      /^1 adverse event row\(s\) contradict themselves/],
    ['a load without subjects', 'STRICT', () => [], 'CT422', /^the load holds no subjects; nothing was stored/],
  ])('refuses %s whole (%s), storing nothing', async (_what, protocolId, blocks, code, message) => {
    const before = await tableCounts();
    const refused = await refusalOf(load(protocolId, blocks()));
    expect(refused.code).toBe(code);
    expect(refused.message).toMatch(message);
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses with CT409 a load whose subject numbers a concurrent load took and committed first', async () => {
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await bulkLoad(other, { datasetId: randomUUID(), protocolId: 'STRICT', blocks: [blockOf('RACE-001')] });
      const second = refusalOf(load('STRICT', [blockOf('RACE-002'), blockOf('RACE-001')]));
      // The second load waits on the first's uncommitted subject, then finds it taken.
      await waitForLockWait(database);
      await other.query('COMMIT');
      expect(await second).toEqual({ code: 'CT409', message: expect.stringMatching(/^subject numbers of the dataset were taken in study STRICT by a write that committed during this load/) });
      const { rows } = await runtime.query(`SELECT subject_number FROM patients WHERE subject_number LIKE 'RACE-%' ORDER BY 1`);
      expect(rows).toEqual([{ subject_number: 'RACE-001' }]);
    } finally {
      await other.end();
    }
  });

  it("adds the sites a study that takes new sites has not seen yet, audited, and takes its unscheduled visits and unlisted arms", async () => {
    const counts = await load('OPEN', [blockOf('O-001', { site: 'S42', arm: 'Anything', visit: 'Extra visit' })]);
    expect(counts.subjects).toBe(1);
    const { rows } = await runtime.query(`SELECT site_id, active FROM edc_study_sites WHERE protocol_id = 'OPEN' ORDER BY site_id`);
    expect(rows).toEqual([{ site_id: 'S01', active: true }, { site_id: 'S42', active: true }]);
    const audit = await runtime.query(`SELECT username, changes FROM audit_events WHERE action = 'add_sites' AND entity_id = 'OPEN'`);
    expect(audit.rows).toEqual([{ username: 'dm.gen', changes: { sites: { old: null, new: ['S42'] } } }]);
  });

  it('is executable by the runtime role only, not by PUBLIC', async () => {
    const { rows } = await runtime.query(`
      SELECT p.proname, has_function_privilege('ctp_runtime', p.oid, 'EXECUTE') AS runtime,
             EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0) AS public
        FROM pg_proc p WHERE p.proname LIKE 'edc_bulk_load_%' ORDER BY p.proname`);
    expect(rows).toEqual([
      { proname: 'edc_bulk_load_begin', runtime: true, public: false },
      { proname: 'edc_bulk_load_finish', runtime: true, public: false },
    ]);
  });

  it("gives the load's transaction a statement timeout long enough for a large dataset, and only that transaction", async () => {
    await runtime.query('BEGIN');
    await beginBulkLoad(runtime, { statementTimeoutMs: BULK_LOAD_STATEMENT_TIMEOUT_MS });
    const during = (await runtime.query(`SELECT setting::int AS timeout FROM pg_settings WHERE name = 'statement_timeout'`)).rows[0].timeout;
    await runtime.query('ROLLBACK');
    const after = (await runtime.query(`SELECT setting::int AS timeout FROM pg_settings WHERE name = 'statement_timeout'`)).rows[0].timeout;
    expect(during).toBe(BULK_LOAD_STATEMENT_TIMEOUT_MS);
    expect(after).not.toBe(during);
  });

  it('refuses to finish a load that was never begun', async () => {
    await runtime.query('BEGIN');
    const refused = await refusalOf(runtime.query(`SELECT * FROM edc_bulk_load_finish(gen_random_uuid(), 'STRICT')`));
    await runtime.query('ROLLBACK');
    expect(refused).toEqual({ code: '55000', message: expect.stringMatching(/^no bulk load in progress: call edc_bulk_load_begin\(\)/) });
  });

  it('carries any text through the COPY unchanged: tabs, newlines, backslashes, quotes, \\N, unicode', async () => {
    const term = 'odd\tterm\nline two\r\\ back\\slash "quoted" \'single\' \\N ünïcødé 頭痛 🤕';
    const block = blockOf('ESC-001');
    block.adverseEvents[0].term = term;
    block.subject.demographics.race = 'WHITE\t"\\"';
    const datasetId = randomUUID();
    await load('STRICT', [block], datasetId);
    const { rows } = await runtime.query(
      `SELECT e.term, s.demographics ->> 'race' AS race FROM edc_adverse_events e JOIN edc_subjects s USING (patient_id) WHERE e.dataset_id = $1`,
      [datasetId],
    );
    expect(rows).toEqual([{ term, race: 'WHITE\t"\\"' }]);
  });

  it("takes capture's whole adverse-event vocabulary", async () => {
    const block = blockOf('VOC-001');
    const longest = Math.max(BODY_SYSTEMS.length, RELATIONSHIPS.length, OUTCOMES.length, ACTIONS_TAKEN.length);
    block.adverseEvents = Array.from({ length: longest }, (_, i) => {
      const outcome = OUTCOMES[i % OUTCOMES.length];
      return {
        ...blockOf('VOC-001').adverseEvents[0],
        body_system: BODY_SYSTEMS[i % BODY_SYSTEMS.length],
        relationship: RELATIONSHIPS[i % RELATIONSHIPS.length],
        outcome,
        action_taken: ACTIONS_TAKEN[i % ACTIONS_TAKEN.length],
        severity_grade: outcome === 'fatal' ? 5 : 1 + (i % 4),
        serious: outcome === 'fatal' || i % 2 === 0,
      };
    });
    await expect(load('STRICT', [block])).resolves.toMatchObject({ adverseEvents: longest });
  });

  it('keeps the statement-level guard triggers in the path: they see every loaded row in one statement', async () => {
    await database.admin(`
      CREATE TABLE trigger_probe (table_name text, rows_seen int);
      CREATE FUNCTION probe_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
      BEGIN INSERT INTO trigger_probe SELECT TG_TABLE_NAME, count(*) FROM changed_rows; RETURN NULL; END $$;
      CREATE TRIGGER zz_probe AFTER INSERT ON vital_signs REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION probe_insert();
      CREATE TRIGGER zz_probe AFTER INSERT ON adverse_events REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION probe_insert();`);
    try {
      await load('STRICT', [blockOf('TRG-001'), blockOf('TRG-002'), blockOf('TRG-003')]);
      const probe = await database.admin(`SELECT table_name, rows_seen FROM trigger_probe ORDER BY table_name`);
      expect(probe.rows).toEqual([{ table_name: 'adverse_events', rows_seen: 3 }, { table_name: 'vital_signs', rows_seen: 6 }]);
      const guards = await database.admin(
        `SELECT tgname FROM pg_trigger WHERE tgname IN ('vital_signs_guard_insert', 'adverse_events_guard_insert') AND tgenabled = 'O' ORDER BY tgname`,
      );
      expect(guards.rows.map((row) => row.tgname)).toEqual(['adverse_events_guard_insert', 'vital_signs_guard_insert']);
    } finally {
      await database.admin(`DROP TRIGGER zz_probe ON vital_signs; DROP TRIGGER zz_probe ON adverse_events; DROP TABLE trigger_probe; DROP FUNCTION probe_insert()`);
    }
  });
});

describe('reverting the EDC bulk-load contract', () => {
  it('is refused while synthetic subjects exist, and otherwise gives the views back as they were, still readable by the runtime role', async () => {
    const fresh = await createTestDatabase();
    const owner = await DatabaseConnection.open(
      loadPlatformConfig({}, { DATABASE_URL: fresh.url, DATABASE_MIGRATION_URL: fresh.migrationUrl, DB_MIGRATIONS_RUN: 'false', DB_POOL_MIN: '0' }),
      { applicationName: 'edc-bulk-load-revert', as: 'owner' },
    );
    const newest = async () => ((await owner.dataSource.query('SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1')) as Array<{ name: string }>)[0].name;
    const columnsOf = async (view: string) =>
      ((await owner.dataSource.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [view])) as Array<{ column_name: string }>).map(
        (row) => row.column_name,
      );
    try {
      await runMigrations(owner.dataSource);
      while ((await newest()) !== 'EdcBulkLoad1765000000000') await owner.dataSource.undoLastMigration({ transaction: 'each' });
      await owner.dataSource.query(`INSERT INTO patients (protocol_id, subject_number, treatment_arm, dataset_id) VALUES ('P1', 'SYN-001', 'Active', gen_random_uuid())`);
      await expect(owner.dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(/holds synthetic subjects/);
      expect(await columnsOf('edc_subjects')).toContain('dataset_id');

      await owner.dataSource.transaction(async (db) => {
        await db.query(`SELECT set_config('ctp.change_reason', 'spec: no synthetic subjects left', true)`);
        await db.query(`UPDATE patients SET dataset_id = NULL`);
      });
      await owner.dataSource.undoLastMigration({ transaction: 'each' });
      for (const view of ['edc_subjects', 'edc_vitals', 'edc_adverse_events']) expect(await columnsOf(view)).not.toContain('dataset_id');
      expect(await columnsOf('edc_study_sites')).toEqual([]);
      const runtime = new pg.Client({ connectionString: fresh.url });
      await runtime.connect();
      try {
        await expect(runtime.query('SELECT count(*) FROM edc_subjects, edc_vitals, edc_adverse_events')).resolves.toBeDefined();
      } finally {
        await runtime.end();
      }
    } finally {
      await owner.close();
      await fresh.drop();
    }
  });
});

/** Until some session of the test database waits for a lock held by another. */
async function waitForLockWait(database: TestDatabase): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await database.admin(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [database.name]);
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no session ever waited for a lock');
}

interface BlockOptions {
  site?: string;
  arm?: string;
  visit?: string;
  status?: 'randomized' | 'completed' | 'withdrawn';
  unstorable?: number[];
  events?: number;
}

/** A subject with two vital records (Day 1 and Week 4, or the given visit second) and one adverse event. */
function blockOf(subjectNumber: string, options: BlockOptions = {}): SubjectBlock {
  const site = options.site ?? 'S01';
  const arm = options.arm ?? 'Active';
  const record = (visit: string, date: string, systolic: number) => ({
    SubjectID: subjectNumber,
    VisitName: visit,
    TreatmentArm: arm,
    SystolicBP: systolic,
    DiastolicBP: 82,
    HeartRate: 71,
    Temperature: 36.8,
    RespiratoryRate: 15,
    SiteID: site,
    ProtocolID: 'ignored',
    VisitDate: date,
    MeasurementTime: `${date}T09:00:00Z`,
  });
  return {
    subject: {
      SubjectID: subjectNumber,
      SiteID: site,
      TreatmentArm: arm,
      ProtocolID: 'ignored',
      EnrollmentDate: '2026-01-05',
      ConsentDate: '2026-01-02',
      Status: options.status ?? 'randomized',
      demographics: { sex: 'F', age: 54, race: 'WHITE', ethnicity: 'NOT HISPANIC OR LATINO', height_cm: 165, weight_kg: 70.5 },
    },
    records: [record('Day 1', '2026-01-05', 128), record(options.visit ?? 'Week 4', '2026-02-02', 124)],
    unstorable: options.unstorable ?? [],
    adverseEvents: Array.from({ length: options.events ?? 1 }, () => ({
      SubjectID: subjectNumber,
      term: 'Headache',
      body_system: 'Nervous system disorders',
      onset_date: '2026-01-10',
      end_date: '2026-01-12',
      severity_grade: 2,
      serious: false,
      relationship: 'possibly_related',
      outcome: 'recovered',
      action_taken: 'none',
    })),
    injected: [],
    omissions: [],
  };
}

function withRecord(block: SubjectBlock, index: number, changes: Partial<SubjectBlock['records'][number]>): SubjectBlock {
  block.records[index] = { ...block.records[index], ...changes };
  return block;
}
