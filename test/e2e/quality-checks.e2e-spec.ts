import { createHash } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { ChecksController } from '../../apps/quality-service/src/checks/checks.controller.js';
import { ROUTE_DEADLINE_MS } from '../../libs/platform/src/index.js';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * Running the checks through the gateway: a study with a schedule, arms, sites and a subject id
 * format holds vitals with known errors; a run finds each of them with the default rules, stores
 * the run and its findings and opens one query per data point (a second run opens none); a batch
 * checked without storing gives the same findings; site-limited users check and read only their
 * sites; hostile input is refused with a message and nothing stored.
 */

interface Finding {
  rule_id: string;
  severity: string;
  hard: boolean;
  protocol_id: string;
  site_id: string | null;
  subject_id: string;
  visit_name: string | null;
  field: string | null;
  value: string | null;
  message: string;
  index?: number | null;
  query_id?: string | null;
  vital_sign_id?: string | null;
}

interface Run {
  id: string;
  protocol_id: string;
  site_id: string | null;
  site_ids: string[] | null;
  subject_id: string | null;
  rules_version: number;
  rules_sha256: string;
  run_by_username: string | null;
  rows_checked: number;
  subjects_checked: number;
  findings_total: number;
  findings_by_severity: Record<string, number>;
  findings_by_rule: Record<string, number>;
  queries_opened: number;
  started_at: string;
  finished_at: string;
}

/** JSON with sorted keys and no spaces, written here independently of the service's own. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`
      : JSON.stringify(value);

/** A finding as a line a person can read in a failed expectation. */
const line = (f: Finding): string => [f.rule_id, f.severity, f.site_id, f.subject_id, f.visit_name, f.field, f.value].join(' | ');

describe.each(['all-in-one', 'split'] as const)('quality checks (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let manager: Client;
  let managerOfS01: Client;
  let investigatorOfS02: Client;
  let investigatorOfBoth: Client;
  let statistician: Client;
  let managerName: string;

  const protocolId = newSubjectId('QC');
  const s01First = 'S01-001';
  const s01Second = 'S01-002';
  const s02First = 'S02-001';
  const badId = newSubjectId('BAD');

  /** The stored records, each with its known error (or none). */
  const at = (day: string, hour = 9) => ({ VisitDate: `2026-${day}`, MeasurementTime: `2026-${day}T${String(hour).padStart(2, '0')}:00:00Z` });
  const records = [
    vitalRecord({ SubjectID: s01First, SiteID: 'S01', VisitName: 'Screening', ...at('01-01') }),
    vitalRecord({ SubjectID: s01First, SiteID: 'S01', VisitName: 'Baseline', SystolicBP: 210, ...at('01-08') }), // VS001
    vitalRecord({ SubjectID: s01First, SiteID: 'S01', VisitName: 'Week2', HeartRate: 130, ...at('01-22') }), // VS003
    vitalRecord({ SubjectID: s01First, SiteID: 'S01', VisitName: 'Week4', Temperature: 41, ...at('02-05') }), // VS004
    vitalRecord({ SubjectID: s01Second, SiteID: 'S01', TreatmentArm: 'Placebo', VisitName: 'Screening', ...at('01-02') }),
    // VS005 (125 < 122 + 5), and Baseline missing before it (VS011)
    vitalRecord({ SubjectID: s01Second, SiteID: 'S01', TreatmentArm: 'Placebo', VisitName: 'Week2', SystolicBP: 125, DiastolicBP: 122, ...at('01-23') }),
    // Screening missing before Baseline (VS011); Baseline twice (VS012 on the later one)
    vitalRecord({ SubjectID: s02First, SiteID: 'S02', VisitName: 'Baseline', ...at('01-10', 9) }),
    vitalRecord({ SubjectID: s02First, SiteID: 'S02', VisitName: 'Baseline', ...at('01-10', 11) }),
    vitalRecord({ SubjectID: badId, SiteID: 'S02', TreatmentArm: 'Placebo', VisitName: 'Screening', ...at('01-03') }), // VS009
  ].map((record) => ({ ...record, ProtocolID: protocolId }));

  const expected = [
    `VS001 | minor | S01 | ${s01First} | Baseline | SystolicBP | 210`,
    `VS003 | minor | S01 | ${s01First} | Week2 | HeartRate | 130`,
    `VS004 | major | S01 | ${s01First} | Week4 | Temperature | 41`,
    `VS005 | major | S01 | ${s01Second} | Week2 | SystolicBP | 125`,
    `VS011 | major | S01 | ${s01Second} | Baseline | VisitName | `,
    `VS011 | major | S02 | ${s02First} | Screening | VisitName | `,
    `VS012 | major | S02 | ${s02First} | Baseline | VisitName | Baseline`,
    `VS009 | major | S02 | ${badId} | Screening | SubjectID | ${badId}`,
  ].sort();

  beforeAll(async () => {
    platform = await startPlatform(mode);
    managerName = newSubjectId('dm');
    manager = (await createUser(platform.baseUrl, platform.admin, { username: managerName, roles: ['data_manager'] })).client;
    managerOfS01 = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('dm-s01'), roles: ['data_manager'], site_ids: ['S01'] })).client;
    investigatorOfS02 = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('inv-s02'), roles: ['investigator'], site_ids: ['S02'] })).client;
    investigatorOfBoth = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('inv-both'), roles: ['investigator'], site_ids: ['S01', 'S02'] })).client;
    statistician = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('stat'), roles: ['statistician'] })).client;
    const study = await manager.post('/edc/studies').send({
      protocol_id: protocolId,
      title: 'Checked study',
      baseline_visit: 'Baseline',
      subject_id_format: '{site}-{seq:3}',
      sites: [{ site_id: 'S01', name: 'Oslo' }, { site_id: 'S02', name: 'Bergen' }],
      arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }],
      schedule: [
        { visit_name: 'Screening', planned_day: -7, window_before: 7, window_after: 0 },
        { visit_name: 'Baseline', planned_day: 1 },
        { visit_name: 'Week2', planned_day: 15, window_before: 2, window_after: 2 },
        { visit_name: 'Week4', planned_day: 29, window_before: 3, window_after: 3 },
      ],
    });
    expect({ status: study.status, body: study.body }).toMatchObject({ status: 201 });
    const stored = await manager.post('/edc/store-vitals').send({ records });
    expect({ status: stored.status, body: stored.body }).toMatchObject({ status: 201 });
  });
  afterAll(() => platform?.close());

  const db = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await platform.database!.admin(sql, params)).rows as T[];
  const findingsOf = async (client: Client, runId: string, query: Record<string, string | number> = {}): Promise<Finding[]> => {
    const response = await client.get(`/quality/checks/runs/${runId}/findings`).query({ limit: 500, ...query });
    expect(response.status).toBe(200);
    return response.body.data as Finding[];
  };
  const runAs = async (client: Client, body: Record<string, unknown>, status = 201): Promise<Run> => {
    const response = await client.post('/quality/checks/run').send(body);
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    return response.body as Run;
  };

  describe('a run over stored data', () => {
    let first: Run;
    let firstFindings: Finding[];

    /** Queries capture opened when the records were stored (its soft findings); the run opens the others. */
    let openedAtCapture: number;

    beforeAll(async () => {
      [{ n: openedAtCapture }] = await db<{ n: number }>(`SELECT count(*)::int AS n FROM quality_queries WHERE protocol_id = $1`, [protocolId]);
      first = await runAs(manager, { study: protocolId });
      firstFindings = await findingsOf(manager, first.id);
    });

    it('finds every known error with the default rules, and nothing else', () => {
      expect(firstFindings.map(line).sort()).toEqual(expected);
      for (const finding of firstFindings) expect(finding).toMatchObject({ protocol_id: protocolId, hard: false });
      expect(firstFindings.find((f) => f.rule_id === 'VS004')?.message).toMatch(/°F/);
      expect(firstFindings.filter((f) => f.rule_id === 'VS011').every((f) => f.vital_sign_id === null)).toBe(true);
      expect(firstFindings.filter((f) => f.rule_id !== 'VS011').every((f) => typeof f.vital_sign_id === 'string')).toBe(true);
    });

    it('stores the run with who, when, scope, rules version and digest, and its counts', async () => {
      const library = await manager.get('/quality/checks/rules').query({ study: protocolId }).expect(200);
      expect(first).toMatchObject({
        protocol_id: protocolId,
        site_id: null,
        site_ids: null,
        subject_id: null,
        rules_sha256: createHash('sha256').update(canonical(library.body.rules)).digest('hex'),
        rules_version: 0,
        run_by_username: managerName,
        rows_checked: records.length,
        subjects_checked: 4,
        findings_total: 8,
        findings_by_severity: { critical: 0, major: 6, minor: 2 },
        findings_by_rule: { VS001: 1, VS003: 1, VS004: 1, VS005: 1, VS009: 1, VS011: 2, VS012: 1 },
        queries_opened: 8 - openedAtCapture,
      });
      // Both from the database's clock: started once the run held its study, finished once everything was written.
      const [written] = await db<{ first_opened: Date; last_opened: Date; run_event: Date }>(
        `SELECT min(q.opened_at) AS first_opened, max(q.opened_at) AS last_opened,
                (SELECT occurred_at FROM audit_events WHERE entity_type = 'quality_run' AND entity_id = $1::text) AS run_event
           FROM quality_queries q WHERE q.run_id = $1::uuid`,
        [first.id],
      );
      expect(Date.parse(first.started_at)).toBeLessThanOrEqual(written.first_opened.getTime());
      expect(Date.parse(first.finished_at)).toBeGreaterThanOrEqual(written.last_opened.getTime());
      expect(Date.parse(first.finished_at)).toBeGreaterThanOrEqual(written.run_event.getTime());
      expect((await manager.get(`/quality/checks/runs/${first.id}`).expect(200)).body).toEqual(first);
      const listed = await manager.get('/quality/checks/runs').query({ study: protocolId }).expect(200);
      expect(listed.body.data.map((run: Run) => run.id)).toContain(first.id);
    });

    it('opens one query per finding, each with its opened message and audit event by the runner', async () => {
      const queries = await db<{ id: string; status: string; origin: string; run_id: string; rule_id: string; value: string | null; opened_by_username: string }>(
        `SELECT id, status, origin, run_id, rule_id, value, opened_by_username FROM quality_queries WHERE protocol_id = $1`,
        [protocolId],
      );
      expect(queries).toHaveLength(8);
      // Missing visits are judged by runs only: those queries are the run's whether or not capture opened the others.
      const byRun = queries.filter((q) => q.origin === 'run');
      expect(byRun.map((q) => q.rule_id)).toEqual(expect.arrayContaining(['VS011', 'VS011']));
      expect(byRun).toHaveLength(first.queries_opened);
      expect(byRun.every((q) => q.status === 'open' && q.run_id === first.id && q.opened_by_username === managerName)).toBe(true);
      expect(new Set(firstFindings.map((f) => f.query_id))).toEqual(new Set(queries.map((q) => q.id)));
      const messages = await db<{ n: number }>(
        `SELECT count(*)::int AS n FROM quality_query_messages m JOIN quality_queries q ON q.id = m.query_id
          WHERE q.run_id = $1 AND m.kind = 'opened' AND m.status_after = 'open' AND m.author_username = $2`,
        [first.id, managerName],
      );
      expect(messages[0].n).toBe(byRun.length);
      const events = await db<{ entity_id: string; subject: string; username: string; changes: Record<string, { old: unknown; new: unknown }> }>(
        `SELECT entity_id, subject, username, changes FROM audit_events WHERE entity_type = 'quality_query' AND action = 'open' AND entity_id = ANY($1)`,
        [byRun.map((q) => q.id)],
      );
      expect(events).toHaveLength(byRun.length);
      expect(events.every((e) => e.username === managerName && e.changes.status.new === 'open' && e.changes.run_id.new === first.id)).toBe(true);
      const runEvents = await db<{ username: string; changes: Record<string, { new: unknown }> }>(
        `SELECT username, changes FROM audit_events WHERE entity_type = 'quality_run' AND action = 'run' AND entity_id = $1`,
        [first.id],
      );
      expect(runEvents).toHaveLength(1);
      expect(runEvents[0]).toMatchObject({ username: managerName, changes: { rules_version: { new: 0 }, rules_sha256: { new: first.rules_sha256 }, findings_total: { new: 8 }, queries_opened: { new: first.queries_opened } } });
    });

    it('a second run finds the same and opens no duplicate query: its findings link to the open ones', async () => {
      const second = await runAs(manager, { study: protocolId });
      expect(second).toMatchObject({ findings_total: 8, queries_opened: 0 });
      const again = await findingsOf(manager, second.id);
      expect(again.map(line).sort()).toEqual(expected);
      const key = (f: Finding) => `${line(f)} | ${f.vital_sign_id}`;
      const queryOf = new Map(firstFindings.map((f) => [key(f), f.query_id]));
      for (const finding of again) expect(finding.query_id).toBe(queryOf.get(key(finding)));
      const [{ n }] = await db<{ n: number }>(`SELECT count(*)::int AS n FROM quality_queries WHERE protocol_id = $1`, [protocolId]);
      expect(n).toBe(8);
    });

    it('filters a run\'s findings by rule and severity, and pages them', async () => {
      expect((await findingsOf(manager, first.id, { rule: 'VS011' })).map((f) => f.subject_id).sort()).toEqual([s01Second, s02First].sort());
      expect((await findingsOf(manager, first.id, { severity: 'minor' })).map((f) => f.rule_id).sort()).toEqual(['VS001', 'VS003']);
      const page = await manager.get(`/quality/checks/runs/${first.id}/findings`).query({ limit: 3, offset: 6 }).expect(200);
      expect(page.body.page).toEqual({ limit: 3, offset: 6, total: 8 });
      expect(page.body.data).toHaveLength(2);
    });

    it('narrows a run to a site, a subject', async () => {
      const bySite = await runAs(manager, { study: protocolId, site: 'S02' });
      expect(bySite).toMatchObject({ site_id: 'S02', site_ids: ['S02'], rows_checked: 3, subjects_checked: 2, findings_total: 3, queries_opened: 0 });
      const bySubject = await runAs(manager, { study: protocolId, subject: s01First });
      expect(bySubject).toMatchObject({ subject_id: s01First, site_id: 'S01', site_ids: ['S01'], rows_checked: 4, findings_total: 3 });
    });

    it('answers 404 for a subject the study does not have, or not at the site asked, and stores no run', async () => {
      const [before] = await db<{ n: number }>(`SELECT count(*)::int AS n FROM quality_runs`);
      expect((await manager.post('/quality/checks/run').send({ study: protocolId, subject: 'S01-999' })).status).toBe(404);
      expect((await manager.post('/quality/checks/run').send({ study: protocolId, subject: s01First, site: 'S02' })).status).toBe(404);
      const [after] = await db<{ n: number }>(`SELECT count(*)::int AS n FROM quality_runs`);
      expect(after.n).toBe(before.n);
    });

    it('opens no query again on a data point whose query was closed (value confirmed) or cancelled, and links the finding to it', async () => {
      const byRule = new Map(firstFindings.map((f) => [f.rule_id, f.query_id]));
      const closed = byRule.get('VS001')!;
      const cancelled = byRule.get('VS003')!;
      await db(`UPDATE quality_queries SET status = 'answered', answered_at = clock_timestamp() WHERE id = $1`, [closed]);
      await db(`UPDATE quality_queries SET status = 'closed', closed_at = clock_timestamp() WHERE id = $1`, [closed]);
      await db(`UPDATE quality_queries SET status = 'cancelled', cancelled_at = clock_timestamp() WHERE id = $1`, [cancelled]);
      const again = await runAs(manager, { study: protocolId, subject: s01First });
      expect(again).toMatchObject({ findings_total: 3, queries_opened: 0 });
      const findings = await findingsOf(manager, again.id);
      expect(findings.find((f) => f.rule_id === 'VS001')?.query_id).toBe(closed);
      expect(findings.find((f) => f.rule_id === 'VS003')?.query_id).toBe(cancelled);
      const statuses = await db<{ status: string }>(`SELECT status FROM quality_queries WHERE id = ANY($1) ORDER BY status`, [[closed, cancelled]]);
      expect(statuses.map((q) => q.status)).toEqual(['cancelled', 'closed']);
    });
  });

  describe('a batch checked without storing', () => {
    it('gives the same findings as the run over the same data, each with its record\'s index', async () => {
      const response = await manager.post('/quality/checks/validate').send({ records, study: 'IGNORED-FOR-RECORDS-WITH-THEIR-OWN' });
      expect(response.status).toBe(200);
      const body = response.body as { total: number; records_with_findings: number; by_severity: Record<string, number>; findings: Finding[]; invalid_records: unknown[] };
      expect(body.findings.map(line).sort()).toEqual(expected);
      expect(body).toMatchObject({ total: records.length, records_with_findings: 6, by_severity: { critical: 0, major: 6, minor: 2 }, invalid_records: [] });
      expect(body.findings.find((f) => f.rule_id === 'VS001')?.index).toBe(1);
      expect(body.findings.find((f) => f.rule_id === 'VS012')?.index).toBe(7);
      expect(body.findings.filter((f) => f.rule_id === 'VS011').map((f) => f.index)).toEqual([null, null]);
      const [{ n }] = await db<{ n: number }>(`SELECT count(*)::int AS n FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.protocol_id = $1`, [protocolId]);
      expect(n).toBe(records.length);
    });

    it('checks what capture would refuse, against the study: unlisted visit and arm, an arm changing within a subject', async () => {
      const subject = 'S01-077';
      const batch = [
        { SubjectID: subject, SiteID: 'S01', VisitName: 'Screening', TreatmentArm: 'Active', SystolicBP: 120, DiastolicBP: 80 },
        { SubjectID: subject, SiteID: 'S01', VisitName: 'Unscheduled', TreatmentArm: 'Rescue', SystolicBP: 120, DiastolicBP: 80 },
      ].map((record) => ({ ...record, ProtocolID: protocolId }));
      const { body } = await manager.post('/quality/checks/validate').send({ records: batch }).expect(200);
      expect((body.findings as Finding[]).map((f) => `${f.index} ${f.rule_id} ${f.value}`).sort()).toEqual(['1 VS007 Unscheduled', '1 VS008 Rescue', '1 VS010 Rescue']);
      expect(body.by_severity).toEqual({ critical: 1, major: 2, minor: 0 });
    });

    it('uses study for records without ProtocolID, else the default study', async () => {
      const record = { SubjectID: 'nope', SiteID: 'S01', VisitName: 'Screening', TreatmentArm: 'Active', SystolicBP: 120, DiastolicBP: 80 };
      const inStudy = await manager.post('/quality/checks/validate').send({ records: [record], study: protocolId }).expect(200);
      expect((inStudy.body.findings as Finding[]).map((f) => `${f.protocol_id} ${f.rule_id}`)).toEqual([`${protocolId} VS009`]);
      // The default study has a subject id format of its own (and no visit schedule).
      const inDefault = await manager.post('/quality/checks/validate').send({ records: [record] }).expect(200);
      expect((inDefault.body.findings as Finding[]).map((f) => `${f.protocol_id} ${f.rule_id}`)).toEqual(['DEFAULT VS009']);
    });

    it('reports a record with a wrong type or an unknown field as that record\'s problem, and checks the others', async () => {
      const good = { ...records[0], SystolicBP: 210 };
      const response = await manager.post('/quality/checks/validate').send({
        records: [good, { ...good, SystolicBP: 'high' }, { ...good, Extra: 1 }, 'text', null, { ...good, VisitDate: '2026-02-30' }, { VisitName: 'Baseline' }, { ...good, SubjectID: 42 }],
      });
      expect(response.status).toBe(200);
      expect(response.body.invalid_records.map((r: { index: number; problems: Array<{ field: string }> }) => [r.index, r.problems.map((p) => p.field)])).toEqual([
        [1, ['records[1].SystolicBP']],
        [2, ['records[2].Extra']],
        [3, ['records[3]']],
        [4, ['records[4]']],
        [5, ['records[5].VisitDate']],
        [6, ['records[6].SubjectID']],
        [7, ['records[7].SubjectID']],
      ]);
      expect((response.body.findings as Finding[]).map((f) => `${f.index} ${f.rule_id}`)).toEqual(['0 VS001']);
      expect(response.body.total).toBe(8);
    });

    it.each([
      ['no records', {}, 'records'],
      ['an empty list', { records: [] }, 'at least 1 record'],
      ['records that are not a list', { records: { SubjectID: 'x' } }, 'records'],
      ['10,001 records', { records: Array.from({ length: 10_001 }, () => records[0]) }, 'at most 10000 records'],
      ['an unknown body field', { records: [records[0]], store: true }, 'store'],
      ['a study that is not a code', { records: [records[0]], study: "x'; DROP TABLE studies; --" }, 'study'],
      ['more than 10 studies', { records: Array.from({ length: 11 }, (_, i) => ({ ...records[0], ProtocolID: `P${i}` })) }, 'at most 10'],
    ])('refuses %s with a 400 that says why', async (_case, body, words) => {
      const response = await manager.post('/quality/checks/validate').send(body);
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body)).toContain(words);
    });

    it('refuses broken JSON with a 400', async () => {
      const response = await manager.post('/quality/checks/validate').set('Content-Type', 'application/json').send('{"records": [');
      expect(response.status).toBe(400);
    });
  });

  describe('trying a rule before it is saved', () => {
    const jump = { id: 'BP-JUMP', type: 'change_from_previous', field: 'SystolicBP', max_change: 40, severity: 'major', message: 'Systolic jumped' };

    it("runs on the study's stored data, with the total", async () => {
      const response = await manager.post('/quality/checks/try').send({ rule: jump, study: protocolId });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ records_checked: records.length, total: 2, truncated: false, by_severity: { critical: 0, major: 2, minor: 0 } });
      expect((response.body.findings as Finding[]).map((f) => `${f.subject_id} ${f.visit_name} ${f.value}`).sort()).toEqual([
        `${s01First} Baseline 210`,
        `${s01First} Week2 125`,
      ]);
      const [{ n }] = await db<{ n: number }>(`SELECT count(*)::int AS n FROM quality_runs WHERE protocol_id = $1 AND rules_version <> 0`, [protocolId]);
      expect(n).toBe(0);
    });

    it('runs on a sample batch, even a rule written disabled', async () => {
      const window = { id: 'WIN', type: 'visit_window', severity: 'minor', message: 'Outside the window', enabled: false };
      const response = await statistician.post('/quality/checks/try').send({
        rule: window,
        study: protocolId,
        records: [
          { SubjectID: 'S01-001', VisitName: 'Baseline', VisitDate: '2026-03-01' },
          { SubjectID: 'S01-001', VisitName: 'Week2', VisitDate: '2026-03-18' },
          { SubjectID: 'S01-001', VisitName: 'Week4', VisitDate: '2026-03-29' },
        ],
      });
      expect(response.status).toBe(200);
      expect((response.body.findings as Finding[]).map((f) => `${f.index} ${f.field} ${f.value}`)).toEqual(['1 VisitDate 2026-03-18']);
    });

    it.each([
      ['an unknown type', { ...jump, type: 'magic' }, 'type'],
      ['a text field in a numeric rule', { ...jump, field: 'VisitName' }, 'field'],
      ['no rule', undefined, 'rule'],
      ['a rule that is a string', 'VS001', 'rule'],
    ])('refuses %s with a 400 naming the problem', async (_case, rule, words) => {
      const response = await manager.post('/quality/checks/try').send({ rule, study: protocolId });
      expect(response.status).toBe(400);
      expect(response.body.message).toContain(words);
    });

    it('answers 404 for the stored data of a study that does not exist', async () => {
      expect((await manager.post('/quality/checks/try').send({ rule: jump, study: 'NO-SUCH-STUDY' })).status).toBe(404);
    });
  });

  describe('sites', () => {
    it('runs a site-limited user over their sites only, and a site of another answers 404 like a missing study', async () => {
      const own = await runAs(managerOfS01, { study: protocolId });
      expect(own).toMatchObject({ site_id: 'S01', site_ids: ['S01'], rows_checked: 6, findings_total: 5 });
      const findings = await findingsOf(managerOfS01, own.id);
      expect(findings.every((f) => f.site_id === 'S01')).toBe(true);
      const other = await managerOfS01.post('/quality/checks/run').send({ study: protocolId, site: 'S02' });
      const missing = await managerOfS01.post('/quality/checks/run').send({ study: 'NO-SUCH-STUDY' });
      expect([other.status, missing.status]).toEqual([404, 404]);
    });

    it('shows a site-limited reader only runs that read none but their sites: not a whole-study run, nor another site\'s or subject\'s', async () => {
      const whole = await runAs(manager, { study: protocolId });
      const ofS01 = await runAs(manager, { study: protocolId, site: 'S01' });
      const ofS02 = await runAs(manager, { study: protocolId, site: 'S02' });
      const ofS01Subject = await runAs(manager, { study: protocolId, subject: s01First });
      const ofS02Subject = await runAs(manager, { study: protocolId, subject: s02First });
      expect(ofS02Subject).toMatchObject({ site_ids: ['S02'], subject_id: s02First });
      const ofS01Manager = await runAs(managerOfS01, { study: protocolId });

      const hidden = [whole, ofS01, ofS01Subject, ofS01Manager];
      for (const run of hidden) {
        expect({ run: run.id, status: (await investigatorOfS02.get(`/quality/checks/runs/${run.id}`)).status }).toEqual({ run: run.id, status: 404 });
        expect((await investigatorOfS02.get(`/quality/checks/runs/${run.id}/findings`)).status).toBe(404);
      }
      const missing = await investigatorOfS02.get('/quality/checks/runs/00000000-0000-4000-8000-000000000000');
      const other = await investigatorOfS02.get(`/quality/checks/runs/${ofS01Subject.id}`);
      expect(other.body.message).toBe(missing.body.message.replace('00000000-0000-4000-8000-000000000000', ofS01Subject.id));

      const listed = await investigatorOfS02.get('/quality/checks/runs').query({ study: protocolId, limit: 500 }).expect(200);
      const seen = (listed.body.data as Run[]).map((run) => run.id);
      expect(seen).toEqual(expect.arrayContaining([ofS02.id, ofS02Subject.id]));
      for (const run of hidden) expect(seen).not.toContain(run.id);
      expect((listed.body.data as Run[]).every((run) => run.site_ids !== null && run.site_ids.every((site) => site === 'S02'))).toBe(true);
      // No subject of another site reaches them through a run.
      expect(JSON.stringify(listed.body)).not.toContain(s01First);
      expect(listed.body.page.total).toBe(seen.length);
      expect((await findingsOf(investigatorOfS02, ofS02.id)).map(line).sort()).toEqual(expected.filter((f) => f.includes('| S02 |')));

      // A reader of both sites sees runs over either or both, still not one over the whole study.
      const both = await investigatorOfBoth.get('/quality/checks/runs').query({ study: protocolId, limit: 500 }).expect(200);
      const seenByBoth = (both.body.data as Run[]).map((run) => run.id);
      expect(seenByBoth).toEqual(expect.arrayContaining([ofS01.id, ofS02.id, ofS01Subject.id, ofS02Subject.id, ofS01Manager.id]));
      expect(seenByBoth).not.toContain(whole.id);
      // Readers of every site see them all.
      const all = await manager.get('/quality/checks/runs').query({ study: protocolId, limit: 500 }).expect(200);
      expect((all.body.data as Run[]).map((run) => run.id)).toEqual(expect.arrayContaining([whole.id, ...hidden.map((run) => run.id), ofS02.id]));
    });

    it("refuses a site-limited user's batch with records of other sites, or naming no site; tries on stored data see their sites", async () => {
      const foreign = await managerOfS01.post('/quality/checks/validate').send({ records: [records[0], records[6]] });
      expect(foreign.status).toBe(403);
      expect(foreign.body.message).toContain('1');
      const unnamed = await managerOfS01.post('/quality/checks/validate').send({ records: [{ ...records[0], SiteID: undefined }] });
      expect(unnamed.status).toBe(400);
      const tried = await managerOfS01.post('/quality/checks/try').send({
        rule: { id: 'ANY', type: 'range', field: 'SystolicBP', max: 100, severity: 'minor', message: 'm' },
        study: protocolId,
      });
      expect(tried.status).toBe(200);
      expect(tried.body.records_checked).toBe(6);
      expect((tried.body.findings as Finding[]).every((f) => f.site_id === 'S01')).toBe(true);
    });
  });

  describe("a study's edited library", () => {
    it('runs the current version: a rule added by PUT finds its errors and opens their queries, the run names the version', async () => {
      const jump = { type: 'change_from_previous', field: 'SystolicBP', max_change: 40, severity: 'major', message: 'Systolic jumped by more than 40 mmHg' };
      const put = await manager.put('/quality/checks/rules/BP-JUMP').query({ study: protocolId }).send(jump);
      expect({ status: put.status, body: put.body }).toMatchObject({ status: 200 });
      const run = await runAs(manager, { study: protocolId });
      expect(run.rules_version).toBeGreaterThanOrEqual(1);
      expect(run).toMatchObject({ findings_total: 10, queries_opened: 2, findings_by_rule: { 'BP-JUMP': 2, VS001: 1 } });
      const jumps = await findingsOf(manager, run.id, { rule: 'BP-JUMP' });
      expect(jumps.map((f) => `${f.subject_id} ${f.visit_name} ${f.value}`).sort()).toEqual([`${s01First} Baseline 210`, `${s01First} Week2 125`]);
      expect(jumps.every((f) => typeof f.query_id === 'string')).toBe(true);
    });
  });

  describe('runs of one study at a time, within their deadline', () => {
    /** A connection of its own (as the superuser), for a lock held across requests. */
    const connection = async (): Promise<pg.Client> => {
      const client = new pg.Client({ connectionString: platform.database!.superuserUrl });
      await client.connect();
      return client;
    };
    const stored = async () => {
      const [counts] = await db<{ runs: number; findings: number; queries: number; events: number }>(
        `SELECT (SELECT count(*) FROM quality_runs WHERE protocol_id = $1)::int AS runs,
                (SELECT count(*) FROM quality_findings WHERE protocol_id = $1)::int AS findings,
                (SELECT count(*) FROM quality_queries WHERE protocol_id = $1)::int AS queries,
                (SELECT count(*) FROM audit_events WHERE entity_type IN ('quality_run', 'quality_query'))::int AS events`,
        [protocolId],
      );
      return counts;
    };

    it('answers 409 at once, storing nothing, while another run of the study is in progress', async () => {
      const holder = await connection();
      try {
        await holder.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`quality-run:${protocolId}`]);
        const before = await stored();
        const startedAt = Date.now();
        const busy = await manager.post('/quality/checks/run').send({ study: protocolId });
        expect({ status: busy.status, message: busy.body.message }).toEqual({
          status: 409,
          message: `A run of study ${protocolId} is in progress; try again when it has finished`,
        });
        expect(Date.now() - startedAt).toBeLessThan(5_000);
        expect(await stored()).toEqual(before);
      } finally {
        await holder.end();
      }
      await runAs(manager, { study: protocolId, site: 'S02' });
    });

    it('is stopped at its deadline, its statement cancelled and rolled back before the 503: nothing was stored', async () => {
      // A subject seen only at Week2: its missing Screening and Baseline (judged by runs only) are queries the run opens
      // (with their messages and audit events) before it stalls.
      const fresh = await manager.post('/edc/store-vitals').send({
        records: [{ ...vitalRecord({ SubjectID: 'S02-031', SiteID: 'S02', VisitName: 'Week2', ...at('01-04') }), ProtocolID: protocolId }],
      });
      expect(fresh.status).toBe(201);
      const handler = ChecksController.prototype.run;
      const deadline: unknown = Reflect.getMetadata(ROUTE_DEADLINE_MS, handler);
      const holder = await connection();
      const before = await stored();
      try {
        // The run's last write, its row, waits for this lock until the deadline.
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE quality_runs IN ACCESS EXCLUSIVE MODE');
        Reflect.defineMetadata(ROUTE_DEADLINE_MS, 2_000, handler);
        const late = await manager.post('/quality/checks/run').send({ study: protocolId, subject: 'S02-031' });
        expect({ status: late.status, message: late.body.message }).toMatchObject({
          status: 503,
          message: expect.stringMatching(/^The run did not finish within its deadline .*nothing was stored/),
        });
        // Answered after the rollback: nothing of the run waits on the lock any more, or holds a transaction open.
        const waiting = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()`,
        );
        expect(waiting.rows[0].n).toBe(0);
        const open = await holder.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename <> current_user AND xact_start IS NOT NULL`,
        );
        expect(open.rows[0].n).toBe(0);
      } finally {
        Reflect.defineMetadata(ROUTE_DEADLINE_MS, deadline, handler);
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
      expect(await stored()).toEqual(before);
      // Given its time, the same run stores its query.
      const run = await runAs(manager, { study: protocolId, subject: 'S02-031' });
      expect(run).toMatchObject({ site_ids: ['S02'], findings_by_rule: { VS011: 2 }, queries_opened: 2 });
    });
  });

  describe('hostile runs', () => {
    it.each([
      ['no study', {}],
      ['a study that is not a code', { study: '../etc' }],
      ['a dataset id that is not a UUID', { study: protocolId, dataset_id: 'x' }],
      ['an unknown field', { study: protocolId, everything: true }],
      ['a site of the wrong type', { study: protocolId, site: 5 }],
    ])('refuses %s with 400 and stores nothing', async (_case, body) => {
      const [before] = await db<{ n: number }>(`SELECT count(*)::int AS n FROM quality_runs`);
      expect((await manager.post('/quality/checks/run').send(body)).status).toBe(400);
      const [after] = await db<{ n: number }>(`SELECT count(*)::int AS n FROM quality_runs`);
      expect(after.n).toBe(before.n);
    });

    it('answers 404 for a study that does not exist, and for a run id nobody has', async () => {
      expect((await manager.post('/quality/checks/run').send({ study: 'NO-SUCH-STUDY' })).status).toBe(404);
      expect((await manager.get('/quality/checks/runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await manager.get('/quality/checks/runs/not-a-uuid')).status).toBe(400);
    });

    it('refuses a run to a role that may only read (statistician) and without a token', async () => {
      expect((await statistician.post('/quality/checks/run').send({ study: protocolId })).status).toBe(403);
      expect((await request(platform.baseUrl).post('/quality/checks/run').send({ study: protocolId })).status).toBe(401);
    });
  });
});
