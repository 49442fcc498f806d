import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../libs/audit/src/index.js';
import type { DatabaseConnection } from '../libs/database/src/index.js';
import { type Assignment, QueriesRepository } from '../apps/quality-service/src/queries/queries.repository.js';
import { applyMove, type QueryMove } from '../apps/quality-service/src/queries/query-lifecycle.js';
import { RulesRepository } from '../apps/quality-service/src/rules/rules.repository.js';
import type { TestDatabase } from './support/test-database.js';
import { type MigratedDatabase, openMigratedDatabase } from './support/migrated-database.js';

const ACTOR: AuditActor = { userId: randomUUID(), username: 'dm.guard', role: 'data_manager', clientAddress: '127.0.0.1', requestId: 'qg-1' };
const ACTOR_JSON = JSON.stringify({ user_id: ACTOR.userId, username: ACTOR.username, role: ACTOR.role, client_address: ACTOR.clientAddress, request_id: ACTOR.requestId });
const SHA = 'a'.repeat(64);

/**
 * What the services' own login may write to quality's tables (white-box, as the runtime role): a
 * query changes only by its lifecycle's moves, dated by the database's clock; rule versions, runs
 * and thread messages are dated by it too; nothing is added to a finished run or to a thread
 * without the query's change. Each refusal is tried for real; each path the services take passes.
 */
describe("quality's records in the database", () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let runtime: pg.Client;
  let opened: MigratedDatabase | undefined;
  let queries: QueriesRepository;
  let patientId = '';
  let vitalId = '';
  let values = 0;

  beforeAll(async () => {
    opened = await openMigratedDatabase('quality-guards-spec');
    ({ database, connection, runtime } = opened);
    queries = new QueriesRepository(connection.dataSource);
    const patient = await runtime.query(
      `INSERT INTO patients (protocol_id, subject_number, site_id, treatment_arm) VALUES ('QG', 'QG-001', 'S01', 'Active') RETURNING id`,
    );
    patientId = patient.rows[0].id;
    const vital = await runtime.query(
      `INSERT INTO vital_signs (patient_id, visit_name, systolic_bp, diastolic_bp, heart_rate, temperature, data_batch)
       VALUES ($1, 'Day 1', 215, 80, 70, 36.8, gen_random_uuid()) RETURNING id`,
      [patientId],
    );
    vitalId = vital.rows[0].id;
  });
  afterAll(() => opened?.close());

  /** BEGIN, the work, COMMIT (where deferred checks run); rolled back when anything fails. */
  async function inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await runtime.query('BEGIN');
    try {
      const result = await work();
      await runtime.query('COMMIT');
      return result;
    } catch (error) {
      await runtime.query('ROLLBACK');
      throw error;
    }
  }

  /** Refused by a guard as a lack of privilege, with a message saying why. */
  const refused = (attempt: Promise<unknown>, message: RegExp) =>
    expect(attempt).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(message) });

  const query = async (id: string) => (await runtime.query(`SELECT * FROM quality_queries WHERE id = $1`, [id])).rows[0];
  /** Seconds between a stored time and the database's clock now. */
  const secondsAgo = async (id: string, column: string) =>
    Number((await runtime.query(`SELECT extract(epoch FROM clock_timestamp() - ${column}) AS s FROM quality_queries WHERE id = $1`, [id])).rows[0].s);

  /** A query opened by hand as the service opens one (its row and its 'opened' message, one transaction). */
  async function manualQuery(): Promise<string> {
    return connection.dataSource.transaction(async (db) => {
      const row = await queries.insertManual(
        db,
        {
          protocolId: 'QG', siteId: 'S01', subjectId: 'QG-001', patientId, vitalSignId: vitalId, visitName: 'Day 1',
          field: 'SystolicBP', value: String(1000 + values++), severity: 'major', message: 'Please confirm the systolic pressure',
        },
        ACTOR,
      );
      await queries.addMessage(db, row!.id, 'opened', 'Please confirm the systolic pressure', 'open', ACTOR);
      return row!.id;
    });
  }

  /** A move as QueriesService makes it: the locked row changed, its message written, one transaction. */
  async function move(id: string, name: QueryMove, assignment?: Assignment): Promise<void> {
    await connection.dataSource.transaction(async (db: EntityManager) => {
      const before = (await queries.lock(db, id, null))!;
      const change = applyMove({ status: before.status, reopenedCount: before.reopened_count }, name);
      await queries.applyChange(db, id, change, assignment);
      await queries.addMessage(db, id, change.kind, `${name} by the guard spec`, change.status, ACTOR);
    });
  }

  async function queryIn(status: 'open' | 'answered' | 'closed' | 'cancelled'): Promise<string> {
    const id = await manualQuery();
    const path: Record<typeof status, QueryMove[]> = { open: [], answered: ['answer'], closed: ['answer', 'close'], cancelled: ['cancel'] };
    for (const step of path[status]) await move(id, step);
    return id;
  }

  const insertRun = (startedAt = 'now()', id = randomUUID()) =>
    runtime.query(
      `INSERT INTO quality_runs (id, protocol_id, site_ids, rules_version, rules_sha256, started_at, rows_checked, subjects_checked, findings_total,
                                 findings_by_severity, findings_by_rule, queries_opened)
       VALUES ($1, 'QG', '{S01}', 0, '${SHA}', ${startedAt}, 1, 1, 1, '{"major":1}', '{"VS001":1}', 0) RETURNING id, started_at, finished_at`,
      [id],
    );
  const insertFinding = (runId: string) =>
    runtime.query(
      `INSERT INTO quality_findings (run_id, rule_id, severity, hard, protocol_id, site_id, subject_id, patient_id, vital_sign_id, visit_name, field, value, message)
       VALUES ($1, 'VS001', 'major', false, 'QG', 'S01', 'QG-001', $2, $3, 'Day 1', 'SystolicBP', '215', 'SystolicBP 215 is above 200')`,
      [runId, patientId, vitalId],
    );
  const insertRunQuery = (runId: string) =>
    runtime.query(
      `INSERT INTO quality_queries (protocol_id, site_id, subject_id, patient_id, vital_sign_id, visit_name, field, value, rule_id, severity, message, origin, run_id)
       VALUES ('QG', 'S01', 'QG-001', $1, $2, 'Day 1', 'SystolicBP', $3, 'VS001', 'major', 'SystolicBP is above 200', 'run', $4) RETURNING id`,
      [patientId, vitalId, String(5000 + values++), runId],
    );

  describe('a query', () => {
    it('goes through every move of its lifecycle as the service makes them, each dated by the database', async () => {
      const id = await manualQuery();
      await move(id, 'comment');
      await move(id, 'assign', { userId: ACTOR.userId, username: ACTOR.username, siteId: 'S01' });
      await move(id, 'answer');
      expect(await query(id)).toMatchObject({ status: 'answered', assigned_username: 'dm.guard', assigned_site_id: 'S01' });
      const firstAnswer = (await query(id)).answered_at as Date;
      await move(id, 'correct');
      expect(((await query(id)).answered_at as Date).getTime()).toBeGreaterThanOrEqual(firstAnswer.getTime());
      await move(id, 'close');
      expect(await secondsAgo(id, 'closed_at')).toBeLessThan(5);
      await move(id, 'reopen');
      expect(await query(id)).toMatchObject({ status: 'open', reopened_count: 1, answered_at: null, closed_at: null });
      await move(id, 'answer');
      await move(id, 'reopen');
      await move(id, 'cancel');
      expect(await query(id)).toMatchObject({ status: 'cancelled', reopened_count: 2 });
      expect(await secondsAgo(id, 'cancelled_at')).toBeLessThan(5);
      const thread = (await runtime.query(`SELECT kind, status_after FROM quality_query_messages WHERE query_id = $1 ORDER BY id`, [id])).rows;
      expect(thread.map((message) => `${message.kind}:${message.status_after}`)).toEqual([
        'opened:open', 'comment:open', 'assign:open', 'answer:answered', 'correction:answered', 'close:closed', 'reopen:open', 'answer:answered',
        'reopen:open', 'cancel:cancelled',
      ]);
    });

    it("is opened at the database's time, whatever opening time or update time the writer gives", async () => {
      const { rows } = await inTransaction(async () => {
        const inserted = await runtime.query(
          `INSERT INTO quality_queries (protocol_id, subject_id, severity, message, origin, opened_at, updated_at)
           VALUES ('QG', 'QG-001', 'minor', 'opened in the past?', 'manual', '2020-01-01', '2020-01-01') RETURNING id`,
        );
        await runtime.query(`INSERT INTO quality_query_messages (query_id, kind, body, status_after) VALUES ($1, 'opened', 'x', 'open')`, [inserted.rows[0].id]);
        return inserted;
      });
      expect(await secondsAgo(rows[0].id, 'opened_at')).toBeLessThan(5);
      expect(await secondsAgo(rows[0].id, 'updated_at')).toBeLessThan(5);
    });

    it.each([
      ['closed', `'closed', NULL, NULL, NULL, 0`],
      ['answered', `'answered', clock_timestamp(), NULL, NULL, 0`],
      ['open but re-opened before', `'open', NULL, NULL, NULL, 2`],
      ['open with a closed time', `'open', NULL, clock_timestamp(), NULL, 0`],
    ])('cannot be recorded %s from the start', async (_what, columns) => {
      await refused(
        runtime.query(
          `INSERT INTO quality_queries (protocol_id, subject_id, severity, message, origin, status, answered_at, closed_at, cancelled_at, reopened_count)
           VALUES ('QG', 'QG-001', 'minor', 'forged', 'manual', ${columns})`,
        ),
        /a query is opened open, never answered, closed, cancelled or re-opened/,
      );
    });

    it('names a run exactly when a run opened it', async () => {
      await refused(
        runtime.query(`INSERT INTO quality_queries (protocol_id, subject_id, severity, message, origin) VALUES ('QG', 'QG-001', 'minor', 'no run', 'run')`),
        /a query opened by a run names that run/,
      );
      const run = await inTransaction(() => insertRun());
      await refused(
        runtime.query(
          `INSERT INTO quality_queries (protocol_id, subject_id, severity, message, origin, run_id) VALUES ('QG', 'QG-001', 'minor', 'by hand', 'manual', $1)`,
          [run.rows[0].id],
        ),
        /a query opened by a run names that run, and only such a query names one \(origin manual/,
      );
    });

    it.each([
      ['value', `value = 'a harmless value'`],
      ['message', `message = 'nothing to see'`],
      ['opened_by_username', `opened_by_username = 'someone else'`],
      ['opened_at', `opened_at = opened_at - interval '30 days'`],
      ['rule_id', `rule_id = 'VS002'`],
      ['run_id', `run_id = NULL`],
    ])("cannot have its %s rewritten by the services' login", async (_column, set) => {
      const id = await queryIn('open');
      const before = await query(id);
      await expect(runtime.query(`UPDATE quality_queries SET ${set} WHERE id = $1`, [id])).rejects.toMatchObject({
        code: '42501',
        message: 'permission denied for table quality_queries',
      });
      expect(await query(id)).toEqual(before);
    });

    it('cannot have what it is about rewritten even by a login that may update every column (the trigger, behind the grant)', async () => {
      const id = await queryIn('answered');
      await refused(
        database.admin(`UPDATE quality_queries SET value = '120', opened_by_username = 'someone else', status = 'closed', closed_at = clock_timestamp() WHERE id = $1`, [id]),
        /^query [0-9a-f-]{36}: what it is about is fixed once opened \(opened_by_username, value cannot change\)/,
      );
      expect(await query(id)).toMatchObject({ status: 'answered', opened_by_username: 'dm.guard' });
    });

    it('cannot be closed with a back-dated closing time', async () => {
      const id = await queryIn('answered');
      await refused(
        runtime.query(`UPDATE quality_queries SET status = 'closed', closed_at = clock_timestamp() - interval '3 days' WHERE id = $1`, [id]),
        /^query [0-9a-f-]{36}: closed_at is the time of the close, the database's clock now \(.+\), not .+/,
      );
      await refused(
        runtime.query(`UPDATE quality_queries SET status = 'closed', closed_at = clock_timestamp() + interval '1 hour' WHERE id = $1`, [id]),
        /closed_at is the time of the close/,
      );
      await refused(runtime.query(`UPDATE quality_queries SET status = 'closed' WHERE id = $1`, [id]), /closed_at is the time of the close.*not none/);
      expect(await query(id)).toMatchObject({ status: 'answered', closed_at: null });
    });

    it('keeps the time it was closed: a closed query is only re-opened', async () => {
      const id = await queryIn('closed');
      const before = await query(id);
      await refused(
        runtime.query(`UPDATE quality_queries SET closed_at = closed_at - interval '1 day' WHERE id = $1`, [id]),
        /^query [0-9a-f-]{36} is closed: it cannot become closed \(a closed query is only re-opened\)/,
      );
      await refused(runtime.query(`UPDATE quality_queries SET status = 'answered', answered_at = clock_timestamp() WHERE id = $1`, [id]), /a closed query is only re-opened/);
      expect(await query(id)).toEqual(before);
    });

    it.each([
      ['re-opened', `status = 'open', reopened_count = reopened_count + 1`],
      ['answered', `status = 'answered', answered_at = clock_timestamp()`],
      ['assigned', `assigned_username = 'someone'`],
      ['touched', `updated_at = clock_timestamp()`],
    ])('is final once cancelled: it cannot be %s', async (_what, set) => {
      const id = await queryIn('cancelled');
      const before = await query(id);
      await refused(
        runtime.query(`UPDATE quality_queries SET ${set} WHERE id = $1`, [id]),
        /^query [0-9a-f-]{36} is cancelled: a cancelled query is final, nothing of it changes$/,
      );
      expect(await query(id)).toEqual(before);
    });

    it.each([
      ['an open query closed without an answer', 'open', `status = 'closed', closed_at = clock_timestamp()`, /is open: it cannot become closed \(an open query is answered or cancelled\)/],
      ['an answered query re-opened without counting it', 'answered', `status = 'open', answered_at = NULL`, /re-openings are counted by re-opening it, one at a time \(0 would become 0\)/],
      ['an answered query re-opened counting two', 'answered', `status = 'open', answered_at = NULL, reopened_count = 2`, /one at a time \(0 would become 2\)/],
      ['re-openings counted without a re-opening', 'open', `reopened_count = 5`, /one at a time \(0 would become 5\)/],
      ['a re-opened query keeping its answer time', 'answered', `status = 'open', reopened_count = 1`, /a re-opened query starts a new round, without an answered or closed time/],
      ['an answer back-dated', 'open', `status = 'answered', answered_at = clock_timestamp() - interval '2 days'`, /answered_at is the time of the answer, the database's clock now/],
      ['an answer time set without answering', 'open', `answered_at = clock_timestamp()`, /answered_at changes only when it is answered/],
      ['a cancellation back-dated', 'answered', `status = 'cancelled', cancelled_at = clock_timestamp() - interval '1 minute'`, /cancelled_at is the time of the cancellation/],
      ['a cancellation time without cancelling', 'open', `cancelled_at = clock_timestamp()`, /cancelled_at changes only when it is cancelled/],
      ['a closing time without closing', 'answered', `closed_at = clock_timestamp()`, /closed_at changes only when it is closed/],
      ['assigned while it is answered', 'open', `status = 'answered', answered_at = clock_timestamp(), assigned_username = 'x'`, /an assignment is a move of its own, keeping the status \(open, not answered\)/],
      ['an unknown status', 'open', `status = 'resolved'`, /is open: it cannot become resolved/],
    ])('refuses %s', async (_what, status, set, message) => {
      const id = await queryIn(status as 'open' | 'answered');
      const before = await query(id);
      await refused(runtime.query(`UPDATE quality_queries SET ${set} WHERE id = $1`, [id]), message);
      expect(await query(id)).toEqual(before);
    });

    it('is written past its guard only by a superuser session with triggers off (how test fixtures seed aged queries)', async () => {
      const seeder = new pg.Client({ connectionString: database.superuserUrl });
      await seeder.connect();
      try {
        await seeder.query('SET session_replication_role = replica');
        const { rows } = await seeder.query(
          `INSERT INTO quality_queries (protocol_id, subject_id, severity, message, status, origin, opened_at, answered_at, closed_at)
           VALUES ('QG', 'QG-001', 'minor', 'seeded', 'closed', 'manual', now() - interval '40 days', now() - interval '39 days', now() - interval '30 days')
           RETURNING extract(day FROM now() - opened_at)::int AS opened_days_ago`,
        );
        expect(rows[0].opened_days_ago).toBe(40);
      } finally {
        await seeder.end();
      }
      await expect(runtime.query('SET session_replication_role = replica')).rejects.toMatchObject({ code: '42501' });
    });

    it("dates every change by the database's clock, whatever update time the writer gives", async () => {
      const id = await queryIn('open');
      await inTransaction(async () => {
        await runtime.query(`UPDATE quality_queries SET assigned_site_id = 'S01', updated_at = '2020-01-01' WHERE id = $1`, [id]);
        await runtime.query(`INSERT INTO quality_query_messages (query_id, kind, body, status_after) VALUES ($1, 'assign', 'to the site', 'open')`, [id]);
      });
      expect(await secondsAgo(id, 'updated_at')).toBeLessThan(5);
    });
  });

  describe("the quality capture contract (the EDC's functions, run as the services' login)", () => {
    const finding = (value: string) => ({
      protocol_id: 'QG', site_id: 'S01', subject_id: 'QG-001', patient_id: patientId, vital_sign_id: vitalId, visit_name: 'Day 1',
      field: 'SystolicBP', value, rule_id: 'VS001', severity: 'major', message: `SystolicBP ${value} is above 200`,
    });

    it('opens queries for findings at capture, once per data point, and answers them on a correction (again on a second one)', async () => {
      const findings = JSON.stringify([finding('215'), finding('215'), { ...finding('80'), field: 'DiastolicBP', rule_id: 'VS002', message: 'low' }]);
      const opened = await inTransaction(() => runtime.query(`SELECT quality_open_queries($1::jsonb, 'capture', $2::jsonb) AS n`, [findings, ACTOR_JSON]));
      expect(opened.rows[0].n).toBe(2);
      const again = await inTransaction(() => runtime.query(`SELECT quality_open_queries($1::jsonb, 'capture', $2::jsonb) AS n`, [findings, ACTOR_JSON]));
      expect(again.rows[0].n).toBe(0);
      const open = await runtime.query(`SELECT id FROM quality_queries WHERE origin = 'capture' AND vital_sign_id = $1 AND status = 'open'`, [vitalId]);
      expect(open.rows).toHaveLength(2);
      // The manual queries on this vital (tests above) are answered too, except the closed and cancelled ones.
      const waiting = Number((await runtime.query(`SELECT count(*) AS n FROM quality_queries WHERE vital_sign_id = $1 AND status IN ('open', 'answered')`, [vitalId])).rows[0].n);

      const corrected = await inTransaction(() =>
        runtime.query(`SELECT quality_data_point_corrected($1::uuid, 'transcription error', $2::jsonb) AS n`, [vitalId, ACTOR_JSON]),
      );
      expect(corrected.rows[0].n).toBe(waiting);
      for (const row of open.rows) {
        expect(await query(row.id)).toMatchObject({ status: 'answered' });
        expect(await secondsAgo(row.id, 'answered_at')).toBeLessThan(5);
      }
      const secondCorrection = await inTransaction(() =>
        runtime.query(`SELECT quality_data_point_corrected($1::uuid, 'second look', $2::jsonb) AS n`, [vitalId, ACTOR_JSON]),
      );
      expect(secondCorrection.rows[0].n).toBe(waiting);
      const thread = await runtime.query(`SELECT kind, status_after FROM quality_query_messages WHERE query_id = $1 ORDER BY id`, [open.rows[0].id]);
      expect(thread.rows).toEqual([
        { kind: 'opened', status_after: 'open' },
        { kind: 'correction', status_after: 'answered' },
        { kind: 'correction', status_after: 'answered' },
      ]);
    });
  });

  describe('a run', () => {
    it('is stored with its queries and findings in one transaction, its row last (as the checks service writes it)', async () => {
      const runId = randomUUID();
      await inTransaction(async () => {
        await insertRunQuery(runId);
        await insertFinding(runId);
        await insertRun('clock_timestamp()', runId);
      });
      expect((await runtime.query(`SELECT count(*)::int AS n FROM quality_findings WHERE run_id = $1`, [runId])).rows[0].n).toBe(1);
    });

    it('may be recorded inside a savepoint of the transaction that adds its findings', async () => {
      const runId = randomUUID();
      await inTransaction(async () => {
        await runtime.query('SAVEPOINT run_row');
        await insertRun('now()', runId);
        await runtime.query('RELEASE SAVEPOINT run_row');
        await insertFinding(runId);
      });
      expect((await runtime.query(`SELECT count(*)::int AS n FROM quality_findings WHERE run_id = $1`, [runId])).rows[0].n).toBe(1);
    });

    it('cannot be added to once finished: a finding for an earlier run is refused at commit', async () => {
      const runId = (await inTransaction(() => insertRun())).rows[0].id as string;
      await refused(
        inTransaction(() => insertFinding(runId)),
        new RegExp(`^run ${runId}: findings belong to the run recorded in the same transaction; a finished run is not added to$`),
      );
      await refused(inTransaction(() => insertRunQuery(runId)), /the queries it opens belong to the run recorded in the same transaction/);
      expect((await runtime.query(`SELECT count(*)::int AS n FROM quality_findings WHERE run_id = $1`, [runId])).rows[0].n).toBe(0);
    });

    it('cannot be back-dated: it starts in the transaction that records it and finishes when it is recorded', async () => {
      await refused(inTransaction(() => insertRun(`now() - interval '1 day'`)), /^a run starts in the transaction that records it, between .+ and now \(.+\), not at .+/);
      await refused(inTransaction(() => insertRun(`clock_timestamp() + interval '1 hour'`)), /a run starts in the transaction that records it/);
      const { rows } = await inTransaction(() =>
        runtime.query(
          `INSERT INTO quality_runs (protocol_id, rules_version, rules_sha256, started_at, finished_at, rows_checked, subjects_checked, findings_total,
                                     findings_by_severity, findings_by_rule, queries_opened)
           VALUES ('QG', 0, '${SHA}', now(), '2020-01-01', 0, 0, 0, '{}', '{}', 0) RETURNING id, started_at, finished_at, clock_timestamp() AS clock`,
        ),
      );
      expect(rows[0].finished_at.getTime()).toBeGreaterThanOrEqual(rows[0].started_at.getTime());
      expect(rows[0].clock.getTime() - rows[0].finished_at.getTime()).toBeLessThan(5_000);
    });

    it("takes a start time read from the database's clock in its transaction to the millisecond (as a client's date type holds it), not earlier", async () => {
      await inTransaction(() => insertRun(`date_trunc('milliseconds', transaction_timestamp())`));
      await refused(inTransaction(() => insertRun(`transaction_timestamp() - interval '1 millisecond'`)), /a run starts in the transaction that records it/);
    });
  });

  describe("a query's thread", () => {
    it("is dated by the database's clock, whatever time the writer gives", async () => {
      const id = await queryIn('open');
      const { rows } = await inTransaction(async () => {
        await runtime.query(`UPDATE quality_queries SET updated_at = clock_timestamp() WHERE id = $1`, [id]);
        return runtime.query(
          `INSERT INTO quality_query_messages (query_id, kind, body, status_after, created_at) VALUES ($1, 'comment', 'back-dated?', 'open', '2020-01-01')
           RETURNING extract(epoch FROM clock_timestamp() - created_at) AS age`,
          [id],
        );
      });
      expect(Number(rows[0].age)).toBeLessThan(5);
    });

    it("refuses a message added afterwards, without the query's change", async () => {
      const id = await queryIn('closed');
      await refused(
        inTransaction(() =>
          runtime.query(`INSERT INTO quality_query_messages (query_id, kind, body, status_after, created_at) VALUES ($1, 'close', 'closed long ago', 'closed', '2020-01-01')`, [id]),
        ),
        new RegExp(`^query ${id}: a thread message is written with the query's own change \\(a move, in the same transaction\\), not afterwards$`),
      );
    });

    it('refuses a message saying another status than the query has at commit', async () => {
      const id = await queryIn('open');
      await refused(
        inTransaction(async () => {
          await runtime.query(`UPDATE quality_queries SET status = 'answered', answered_at = clock_timestamp() WHERE id = $1`, [id]);
          await runtime.query(`INSERT INTO quality_query_messages (query_id, kind, body, status_after) VALUES ($1, 'comment', 'still open?', 'open')`, [id]);
        }),
        new RegExp(`^query ${id}: its comment message says the query is open, but it is answered$`),
      );
      expect(await query(id)).toMatchObject({ status: 'open', answered_at: null });
    });

    it.each([
      ['close', 'open'],
      ['answer', 'closed'],
      ['comment', 'cancelled'],
      ['opened', 'answered'],
    ])('refuses a %s message leaving its query %s', async (kind, status) => {
      const id = await queryIn('open');
      await refused(
        runtime.query(`INSERT INTO quality_query_messages (query_id, kind, body, status_after) VALUES ($1, $2, 'x', $3)`, [id, kind, status]),
        new RegExp(`^a ${kind} message cannot leave its query ${status}$`),
      );
    });
  });

  describe("a study's rule library", () => {
    let rules: RulesRepository;
    beforeAll(() => {
      rules = new RulesRepository(connection.dataSource);
    });
    const version = (n: number, created = 'DEFAULT') =>
      runtime.query(
        `INSERT INTO quality_rule_sets (protocol_id, version, rules, change_summary, changed_by_username, created_at)
         VALUES ('QG', $1, '[]', 'guard spec', 'dm.guard', ${created}) RETURNING extract(epoch FROM clock_timestamp() - created_at) AS age`,
        [n],
      );

    it("gets its versions one after the other, each dated by the database's clock (as the rules service writes them)", async () => {
      const first = await connection.dataSource.transaction((db) => rules.insert(db, { protocolId: 'QG', version: 1, rules: [], summary: 'first', actor: ACTOR }));
      expect(first).toMatchObject({ version: 1, changed_by_username: 'dm.guard' });
      const { rows } = await inTransaction(() => version(2, `'2020-01-01'`));
      expect(Number(rows[0].age)).toBeLessThan(5);
    });

    it.each([
      ['skipped', 5, /^study QG's rules are at version 2: the next version is 3, not 5$/],
      ['written again', 2, /^study QG's rules are at version 2: the next version is 3, not 2$/],
      ['written before the first', 1, /the next version is 3, not 1$/],
    ])('refuses a version %s', async (_what, n, message) => {
      await refused(inTransaction(() => version(n)), message);
    });

    it('starts a new study at version 1', async () => {
      await refused(
        runtime.query(`INSERT INTO quality_rule_sets (protocol_id, version, rules, change_summary) VALUES ('QG-NEW', 2, '[]', 'x')`),
        /^study QG-NEW's rules are at version 0: the next version is 1, not 2$/,
      );
    });
  });
});
