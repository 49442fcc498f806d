import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EntityManager } from 'typeorm';
import { type MigratedDatabase, openMigratedDatabase } from '../../../../test/support/migrated-database.js';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import { QueryOpener, RUN_FINDINGS_TABLE } from './query-opener.js';

/**
 * Opening queries from a run's findings, as the services' database login, in one transaction: one
 * query per data point unless the data point has a query in any status, every finding linked to
 * its query, an 'opened' message and an audit event per new query, a constant number of statements.
 */
describe('QueryOpener.openFromRun', () => {
  let opened: MigratedDatabase | undefined;
  let runtime: pg.Client;
  const opener = new QueryOpener();
  const actor: AuditActor = { userId: '6f1d3c3e-2b7a-4a51-9a55-0b0c7b7f0a01', username: 'dm.opener', role: 'data_manager', clientAddress: '10.0.0.9', requestId: 'req-open-1' };
  const VITAL = 'c0a80101-0000-4000-8000-000000000001';

  beforeAll(async () => {
    opened = await openMigratedDatabase('quality-query-opener-spec');
    runtime = opened.runtime;
  });
  afterAll(() => opened?.close());

  /** The runtime client as the EntityManager the opener is given (only `query` is used). */
  const db = { query: (sql: string, params?: unknown[]) => runtime.query(sql, params).then((result) => result.rows) } as unknown as EntityManager;

  type Finding = [rule: string, subject: string, visit: string | null, field: string | null, value: string | null, vital: string | null];

  /** A run in one transaction: its findings in the temporary table, the run row, the opener. */
  const run = async (findings: Finding[], statements?: string[]) => {
    await runtime.query('BEGIN');
    try {
      await runtime.query(`
        CREATE TEMPORARY TABLE ${RUN_FINDINGS_TABLE} ON COMMIT DROP AS
        SELECT f.rule_id, 'major'::text AS severity, false AS hard, 'OPN'::text AS protocol_id, 'S01'::text AS site_id, f.subject_id,
               NULL::uuid AS patient_id, f.vital_sign_id::uuid, NULL::integer AS row_index, f.visit_name, f.field, f.value,
               'please check'::text AS message
          FROM jsonb_to_recordset($1::jsonb) AS f(rule_id text, subject_id text, visit_name text, field text, value text, vital_sign_id text)`,
        [JSON.stringify(findings.map(([rule_id, subject_id, visit_name, field, value, vital_sign_id]) => ({ rule_id, subject_id, visit_name, field, value, vital_sign_id })))],
      );
      const toOpen = await opener.countToOpen(db);
      // As a run does: its queries and findings first, its row last (the foreign keys are checked at commit).
      const id = randomUUID();
      const counting = statements ? { query: (sql: string, params?: unknown[]) => (statements.push(sql), db.query(sql, params)) } as unknown as EntityManager : db;
      const count = await opener.openFromRun(counting, id, actor, toOpen);
      await insertRun(id, findings.length, toOpen);
      await runtime.query('COMMIT');
      return { runId: id as string, toOpen, count };
    } catch (error) {
      await runtime.query('ROLLBACK');
      throw error;
    }
  };
  const insertRun = (id: string, findings: number, opened: number) =>
    runtime.query(
      `INSERT INTO quality_runs (id, protocol_id, rules_version, rules_sha256, rows_checked, subjects_checked, findings_total, findings_by_severity,
                                 findings_by_rule, queries_opened)
       VALUES ($1, 'OPN', 0, repeat('0', 64), 1, 1, $2, '{}', '{}', $3)`,
      [id, findings, opened],
    );
  /** A query's move to `status`, stamped with the database's clock (as the lifecycle does). */
  const move = (id: string, status: string) => {
    const stamp = { answered: 'answered_at', closed: 'closed_at', cancelled: 'cancelled_at' }[status]!;
    return runtime.query(`UPDATE quality_queries SET status = $2, ${stamp} = clock_timestamp() WHERE id = $1`, [id, status]);
  };
  const linked = async (runId: string) =>
    (await runtime.query(`SELECT rule_id, subject_id, value, query_id FROM quality_findings WHERE run_id = $1 ORDER BY id`, [runId])).rows;

  it('opens one query per distinct data point, in two statements whatever their number, and links every finding', async () => {
    const statements: string[] = [];
    const findings: Finding[] = [
      ['R1', 'OP-1', 'V1', 'SystolicBP', '210', VITAL],
      ['R1', 'OP-1', 'V1', 'SystolicBP', '210', VITAL],
      ['R2', 'OP-1', 'V2', 'VisitName', null, null],
      ...Array.from({ length: 200 }, (_, i): Finding => ['R3', `OP-${i}`, 'V1', 'HeartRate', String(130 + i), null]),
    ];
    const { runId, toOpen, count } = await run(findings, statements);
    expect([toOpen, count]).toEqual([202, 202]);
    expect(statements).toHaveLength(2);
    const rows = await linked(runId);
    expect(rows).toHaveLength(203);
    expect(rows.every((row) => row.query_id !== null)).toBe(true);
    expect(rows[0].query_id).toBe(rows[1].query_id);
    const queries = (await runtime.query(`SELECT id, status, origin, run_id, opened_by, opened_by_username FROM quality_queries WHERE run_id = $1`, [runId])).rows;
    expect(queries).toHaveLength(202);
    expect(queries.every((q) => q.status === 'open' && q.origin === 'run' && q.opened_by === actor.userId && q.opened_by_username === 'dm.opener')).toBe(true);
  });

  it("writes each new query's 'opened' message and one audit event with the actor's columns", async () => {
    const { runId } = await run([['R9', 'OP-AUD', 'V1', 'Temperature', '41', null]]);
    const [query] = (await runtime.query(`SELECT id FROM quality_queries WHERE run_id = $1`, [runId])).rows;
    const messages = (await runtime.query(`SELECT kind, body, status_after, author_id, author_username FROM quality_query_messages WHERE query_id = $1`, [query.id])).rows;
    expect(messages).toEqual([{ kind: 'opened', body: 'please check', status_after: 'open', author_id: actor.userId, author_username: 'dm.opener' }]);
    const events = (await runtime.query(
      `SELECT user_id, username, role, client_address, request_id, action, entity_type, subject, changes FROM audit_events WHERE entity_id = $1`,
      [query.id],
    )).rows;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      user_id: actor.userId, username: 'dm.opener', role: 'data_manager', client_address: '10.0.0.9', request_id: 'req-open-1',
      action: 'open', entity_type: 'quality_query', subject: 'OP-AUD',
    });
    expect(events[0].changes).toMatchObject({ status: { old: null, new: 'open' }, rule_id: { new: 'R9' }, value: { new: '41' }, run_id: { new: runId } });
  });

  it('opens none for a data point that has a query in any status, and links the finding to it: open, answered, closed, cancelled', async () => {
    const point: Finding = ['R5', 'OP-SAME', 'V1', 'SystolicBP', '99', VITAL];
    const first = await run([point]);
    const [{ query_id: queryId }] = await linked(first.runId);
    const again = await run([point]);
    expect([again.toOpen, again.count]).toEqual([0, 0]);
    expect((await linked(again.runId))[0].query_id).toBe(queryId);

    for (const status of ['answered', 'closed']) {
      await move(queryId, status);
      const later = await run([point]);
      expect({ status, toOpen: later.toOpen, count: later.count }).toEqual({ status, toOpen: 0, count: 0 });
      expect((await linked(later.runId))[0].query_id).toBe(queryId);
    }

    const cancelledPoint: Finding = ['R5', 'OP-CANCEL', 'V1', 'HeartRate', '131', null];
    const cancelled = await run([cancelledPoint]);
    const [{ query_id: cancelledId }] = await linked(cancelled.runId);
    await move(cancelledId, 'cancelled');
    const afterCancel = await run([cancelledPoint]);
    expect([afterCancel.toOpen, afterCancel.count]).toEqual([0, 0]);
    expect((await linked(afterCancel.runId))[0].query_id).toBe(cancelledId);
    const [{ n }] = (await runtime.query(`SELECT count(*)::int AS n FROM quality_queries WHERE subject_id IN ('OP-SAME', 'OP-CANCEL')`)).rows;
    expect(n).toBe(2);

    // A corrected value is another data point (a new query), as is the same value on another record.
    const other = await run([['R5', 'OP-SAME', 'V1', 'SystolicBP', '99', null], ['R5', 'OP-SAME', 'V1', 'SystolicBP', '98', VITAL]]);
    expect(other.count).toBe(2);
  });

  it('links a finding to the open query of its data point rather than an older closed one', async () => {
    const point: Finding = ['R6', 'OP-HIST', 'V1', 'SystolicBP', '97', null];
    const first = await run([point]);
    const [{ query_id: closedId }] = await linked(first.runId);
    await move(closedId, 'answered');
    await move(closedId, 'closed');
    // Opened since by hand (a manual query may be opened on a point whose query was closed).
    const [{ id: openId }] = (await runtime.query(
      `INSERT INTO quality_queries (protocol_id, site_id, subject_id, visit_name, field, value, rule_id, severity, message, origin)
       VALUES ('OPN', 'S01', 'OP-HIST', 'V1', 'SystolicBP', '97', 'R6', 'major', 'm', 'manual') RETURNING id`,
    )).rows;
    const later = await run([point]);
    expect(later.count).toBe(0);
    expect((await linked(later.runId))[0].query_id).toBe(openId);
  });

  it('opens a query on a value of any length (the unique index keys the value by its md5)', async () => {
    const long = randomBytes(3_000).toString('base64');
    const first = await run([['R8', 'OP-LONG', 'V1', 'VisitName', long, null]]);
    expect(first.count).toBe(1);
    const again = await run([['R8', 'OP-LONG', 'V1', 'VisitName', long, null]]);
    expect(again.count).toBe(0);
    const [{ value }] = (await runtime.query(`SELECT value FROM quality_queries WHERE subject_id = 'OP-LONG'`)).rows;
    expect(value).toBe(long);
  });

  it('still refuses, at commit, findings and queries of a run whose row was never written', async () => {
    await runtime.query('BEGIN');
    try {
      await runtime.query(`CREATE TEMPORARY TABLE ${RUN_FINDINGS_TABLE} ON COMMIT DROP AS
        SELECT 'R4'::text AS rule_id, 'major'::text AS severity, false AS hard, 'OPN'::text AS protocol_id, 'S01'::text AS site_id,
               'OP-ORPHAN'::text AS subject_id, NULL::uuid AS patient_id, NULL::uuid AS vital_sign_id, NULL::integer AS row_index,
               'V1'::text AS visit_name, 'HeartRate'::text AS field, '150'::text AS value, 'm'::text AS message`);
      await opener.openFromRun(db, randomUUID(), actor, 1);
      await expect(runtime.query('COMMIT')).rejects.toMatchObject({ code: '23503' });
    } finally {
      await runtime.query('ROLLBACK');
    }
    expect((await runtime.query(`SELECT count(*)::int AS n FROM quality_queries WHERE subject_id = 'OP-ORPHAN'`)).rows[0].n).toBe(0);
  });

  it('refuses the run (409) when someone opened one of its queries meanwhile, and nothing of it stays', async () => {
    const before = (await runtime.query(`SELECT count(*)::int AS n FROM quality_runs`)).rows[0].n;
    await runtime.query('BEGIN');
    try {
      await runtime.query(`CREATE TEMPORARY TABLE ${RUN_FINDINGS_TABLE} ON COMMIT DROP AS
        SELECT 'R7'::text AS rule_id, 'major'::text AS severity, false AS hard, 'OPN'::text AS protocol_id, 'S01'::text AS site_id,
               'OP-RACE'::text AS subject_id, NULL::uuid AS patient_id, NULL::uuid AS vital_sign_id, NULL::integer AS row_index,
               'V1'::text AS visit_name, 'HeartRate'::text AS field, '140'::text AS value, 'm'::text AS message`);
      const toOpen = await opener.countToOpen(db);
      await runtime.query(`INSERT INTO quality_queries (protocol_id, site_id, subject_id, visit_name, field, value, rule_id, severity, message, origin)
                           VALUES ('OPN', 'S01', 'OP-RACE', 'V1', 'HeartRate', '140', 'R7', 'major', 'm', 'capture')`);
      const id = randomUUID();
      await expect(opener.openFromRun(db, id, actor, toOpen)).rejects.toMatchObject({ status: 409 });
    } finally {
      await runtime.query('ROLLBACK');
    }
    expect((await runtime.query(`SELECT count(*)::int AS n FROM quality_runs`)).rows[0].n).toBe(before);
  });
});
