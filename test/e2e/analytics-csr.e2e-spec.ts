import pg from 'pg';
import { DataSource } from 'typeorm';
import type { Response } from 'supertest';
import { CsrController } from '../../apps/analytics-service/src/csr/csr.controller.js';
import { CSR_DEADLINE_MS } from '../../apps/analytics-service/src/csr/csr.service.js';
import { ROUTE_DEADLINE_MS } from '../../libs/platform/src/index.js';
import { type Client, createUser } from '../support/auth.js';
import { type Mode, type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { eventually } from '../support/wait.js';

/**
 * The clinical study report through the gateway: a study with two arms, six subjects of known
 * ages, sexes, vitals and adverse events, and the edit checks run over it. Each section of the
 * report holds the numbers worked out by hand here (or counted in the database, for queries),
 * the primary endpoint equals the statistics service's; versions are numbered, immutable and
 * carry the hash of the data; HTML and Markdown show the same numbers; synthetic data and
 * site-limited readers are marked; hostile input is refused.
 */

interface CsrDocument {
  id: string;
  protocol_id: string;
  title: string;
  version: number;
  created_at: string;
  created_by_username: string | null;
  data_sha256: string;
  data_sha256_method: string | null;
  software_version: string;
  scope: { study: string; sites: string[] | 'all'; dataset_id: string | null; site_limited: boolean; note: string | null };
  synthetic: boolean;
  links: { json: string; html: string; markdown: string };
}

/** The parts of the stored report the tests read. */
interface Report {
  synthetic: boolean;
  synthetic_notice: string | null;
  title_page: { title: string; data_sha256: string | null; data_sha256_method?: string | null; software_version: string; scope: CsrDocument['scope'] };
  synopsis: { subjects_enrolled: number; subjects_randomized: number; arms: string[]; open_queries: number };
  study_design: { arms: Array<{ code: string; ratio: number }>; allocation_ratio: string; baseline_visit: string; visits: Array<{ name: string; planned_day: number; window_before: number; window_after: number }> };
  study_subjects: {
    disposition: Array<Record<string, unknown>>;
    demographics: Array<{ arm: string | null; subjects: number; age: { n: number; mean: number; sd: number; min: number; max: number }; sex: Record<string, number> }>;
  };
  efficacy: {
    primary_endpoint: {
      visit: string;
      by_arm: Array<{ arm: string; n: number; mean: number }>;
      ancova: Array<{ arm: string; reference_arm: string; difference: number; ci_lower: number; ci_upper: number; p_value: number }>;
      welch: Array<{ arm: string; reference_arm: string; difference: number; ci_lower: number; ci_upper: number; p_value: number }>;
      adjusted_means: Array<{ arm: string; mean: number }>;
    };
  };
  safety: {
    adverse_events_overview: Array<Record<string, unknown>>;
    adverse_events_by_body_system: Array<Record<string, unknown>>;
    serious_events: { total: number; rows: unknown[][] };
    deaths: { total: number; rows: unknown[][] };
    vital_signs: Array<{ parameter: string; values: Array<{ visit: string; arm: string; n: number; mean: number }>; change_from_baseline: Array<{ visit: string; arm: string; mean: number }> }>;
    notable_values: { rows: Array<{ criterion: string; arm: string | null; subjects: number; records: number }> };
  };
  data_quality: {
    runs: { count: number; rows_checked: number };
    queries_by_site: Array<{ site_id: string; opened: number; answered: number; closed: number; cancelled: number; open: number }>;
    queries_total: { opened: number; open: number };
  };
  appendices: Array<{ name: string; total: number; rows: unknown[][]; note: string | null }>;
}

/** The status, with the body's message beside it so that a failure shows what the platform said. */
function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, message: response.body?.message }).toEqual({ status, message: response.body?.message });
}

describe.each<Mode>(['all-in-one', 'split'])('clinical study report (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let statistician: Client;
  let statisticianOfS01: Client;
  let monitor: Client;
  let investigator: Client;

  const protocolId = newSubjectId('CSR').toUpperCase();
  const prefix = protocolId.slice(4);
  const subject = (site: string, n: number) => `${site}-${prefix}-${n}`;
  const date = (day: number) => new Date(Date.UTC(2026, 0, 9 + day)).toISOString().slice(0, 10);

  /** Arm, site, age, sex, systolic BP at Baseline and Week8 (change: Active −15, −8, −22; Placebo −2, −1, −6). */
  const SUBJECTS = [
    { id: subject('S01', 1), site: 'S01', arm: 'Active', age: 40, sex: 'F', baseline: 150, week8: 135 },
    { id: subject('S01', 2), site: 'S01', arm: 'Placebo', age: 30, sex: 'M', baseline: 149, week8: 147 },
    { id: subject('S01', 3), site: 'S01', arm: 'Active', age: 50, sex: 'M', baseline: 148, week8: 140 },
    { id: subject('S02', 1), site: 'S02', arm: 'Placebo', age: 45, sex: 'M', baseline: 151, week8: 150 },
    { id: subject('S02', 2), site: 'S02', arm: 'Active', age: 60, sex: 'F', baseline: 152, week8: 130 },
    { id: subject('S02', 3), site: 'S02', arm: 'Placebo', age: 60, sex: 'F', baseline: 147, week8: 141 },
  ];

  const visitRecord = (s: (typeof SUBJECTS)[number], visit: string, day: number, overrides: Record<string, unknown> = {}) =>
    vitalRecord({
      SubjectID: s.id,
      SiteID: s.site,
      ProtocolID: protocolId,
      TreatmentArm: s.arm,
      VisitName: visit,
      VisitDate: date(day),
      MeasurementTime: `${date(day)}T09:00:00Z`,
      ...overrides,
    });

  const generate = (client: Client, body: Record<string, unknown> = {}) => client.post('/analytics/csr').send({ study: protocolId, ...body });
  const generated = async (client: Client, body: Record<string, unknown> = {}): Promise<CsrDocument> => {
    const response = await generate(client, body);
    expectStatus(response, 201);
    return response.body as CsrDocument;
  };
  const reportOf = async (id: string, client: Client = statistician): Promise<Report> => {
    const response = await client.get(`/analytics/csr/${id}`);
    expectStatus(response, 200);
    return response.body as Report;
  };
  const db = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await platform.database!.admin(sql, params)).rows as T[];

  let first: CsrDocument;
  let report: Report;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    statistician = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('stat'), roles: ['statistician'] })).client;
    statisticianOfS01 = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('stat-s01'), roles: ['statistician'], site_ids: ['S01'] })).client;
    monitor = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('mon'), roles: ['monitor'] })).client;
    investigator = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('inv'), roles: ['investigator'] })).client;

    const study = await platform.admin.post('/edc/studies').send({
      protocol_id: protocolId,
      title: 'Report study',
      baseline_visit: 'Baseline',
      sites: [{ site_id: 'S01', name: 'Oslo' }, { site_id: 'S02', name: 'Bergen' }],
      arms: [{ arm_code: 'Active', allocation_ratio: 2 }, { arm_code: 'Placebo', allocation_ratio: 1 }],
      schedule: [
        { visit_name: 'Baseline', planned_day: 1 },
        { visit_name: 'Week4', planned_day: 29, window_before: 3, window_after: 3 },
        { visit_name: 'Week8', planned_day: 57, window_before: 5, window_after: 5 },
      ],
    });
    expectStatus(study, 201);
    const records = SUBJECTS.flatMap((s, index) => [
      visitRecord(s, 'Baseline', 0, { SystolicBP: s.baseline }),
      // Notable values: systolic 185 (Active, S01) and heart rate 130 (Placebo, S02) at Week4.
      visitRecord(s, 'Week4', 28, index === 0 ? { SystolicBP: 185 } : index === 3 ? { HeartRate: 130 } : {}),
      visitRecord(s, 'Week8', 56, { SystolicBP: s.week8 }),
    ]);
    expectStatus(await platform.admin.post('/edc/store-vitals').send({ records }), 201);
    for (const s of SUBJECTS) {
      const corrected = await platform.admin.patch(`/edc/patients/${s.id}`).query({ protocolId }).send({ demographics: { sex: s.sex, age: s.age }, reason: 'demographics from the screening form' });
      expectStatus(corrected, 200);
    }
    const ae = (s: (typeof SUBJECTS)[number], body: Record<string, unknown>) =>
      platform.admin.post(`/edc/patients/${s.id}/adverse-events`).query({ protocolId }).send({
        onset_date: date(10),
        end_date: date(12),
        severity_grade: 1,
        serious: false,
        relationship: 'not_related',
        outcome: 'recovered',
        action_taken: 'none',
        ...body,
      });
    const events = [
      await ae(SUBJECTS[0], { term: 'Headache <b>', body_system: 'Nervous system disorders', relationship: 'possibly_related' }),
      await ae(SUBJECTS[2], { term: 'Myocardial infarction', body_system: 'Cardiac disorders', serious: true, severity_grade: 5, outcome: 'fatal', end_date: date(10), action_taken: 'drug_withdrawn' }),
      await ae(SUBJECTS[3], { term: 'Nausea', body_system: 'Gastrointestinal disorders' }),
      await ae(SUBJECTS[3], { term: 'Headache', body_system: 'Nervous system disorders', relationship: 'related' }),
    ];
    for (const event of events) expectStatus(event, 201);
    const completed = await platform.admin.post(`/edc/patients/${SUBJECTS[0].id}/status`).query({ protocolId }).send({ status: 'completed' });
    expectStatus(completed, 200);
    const withdrawn = await platform.admin.post(`/edc/patients/${SUBJECTS[5].id}/status`).query({ protocolId }).send({ status: 'withdrawn', reason: 'moved away' });
    expectStatus(withdrawn, 200);
    expectStatus(await platform.admin.post('/quality/checks/run').send({ study: protocolId }), 201);

    first = await generated(statistician, { title: 'Report of <script>alert("x")</script> & co' });
    report = await reportOf(first.id);
  });
  afterAll(() => platform?.close());

  describe('a generated version', () => {
    it('is stored as version 1 with the data hash, software version, scope and links to its formats', async () => {
      expect(first).toMatchObject({
        protocol_id: protocolId,
        version: 1,
        title: 'Report of <script>alert("x")</script> & co',
        data_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        software_version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        scope: { study: protocolId, sites: 'all', dataset_id: null, site_limited: false, note: null },
        synthetic: false,
        links: { json: `/analytics/csr/${first.id}?format=json`, html: `/analytics/csr/${first.id}?format=html`, markdown: `/analytics/csr/${first.id}?format=markdown` },
      });
      const [row] = await db<Record<string, unknown>>(`SELECT document_type, version, data_sha256, software_version, scope, created_by_username FROM documents WHERE id = $1`, [first.id]);
      expect(row).toMatchObject({ document_type: 'clinical_study_report', version: 1, data_sha256: first.data_sha256, software_version: first.software_version, scope: first.scope });
      expect(report.title_page).toMatchObject({ data_sha256: first.data_sha256, software_version: first.software_version, scope: first.scope });
    });

    it('is audited as generate of a document, in the same transaction as the version', async () => {
      const events = await db<{ action: string; entity_type: string; username: string; changes: Record<string, { new: unknown }> }>(
        `SELECT action, entity_type, username, changes FROM audit_events WHERE entity_id = $1 AND action <> 'read'`,
        [first.id],
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'generate', entity_type: 'document' });
      expect(events[0].changes).toMatchObject({ version: { new: 1 }, data_sha256: { new: first.data_sha256 }, protocol_id: { new: protocolId } });
      expect(events[0].username).toBe(first.created_by_username);
    });

    it('describes the design: arms with their allocation, and the visit schedule with windows', () => {
      expect(report.study_design).toMatchObject({ arms: [{ code: 'Active', ratio: 2 }, { code: 'Placebo', ratio: 1 }], allocation_ratio: '2:1', baseline_visit: 'Baseline' });
      expect(report.study_design.visits.map((v) => [v.name, v.planned_day, v.window_before, v.window_after])).toEqual([
        ['Baseline', 1, 0, 0],
        ['Week4', 29, 3, 3],
        ['Week8', 57, 5, 5],
      ]);
    });

    it('counts subjects by arm: enrolled, randomized, completed, withdrawn, ongoing', () => {
      expect(report.study_subjects.disposition).toEqual([
        { arm: 'Active', screened: 3, enrolled: 3, randomized: 3, completed: 1, withdrawn: 0, ongoing: 2 },
        { arm: 'Placebo', screened: 3, enrolled: 3, randomized: 3, completed: 0, withdrawn: 1, ongoing: 2 },
      ]);
      expect(report.synopsis).toMatchObject({ subjects_enrolled: 6, subjects_randomized: 6, arms: ['Active', 'Placebo'] });
    });

    it('gives demographics by arm and overall: age mean, SD, min, max and sex counts', () => {
      const byArm = Object.fromEntries(report.study_subjects.demographics.map((row) => [row.arm ?? 'all', row]));
      expect(byArm.Active).toMatchObject({ subjects: 3, age: { n: 3, min: 40, max: 60 }, sex: { F: 2, M: 1, U: 0, missing: 0 } });
      expect(byArm.Active.age.mean).toBeCloseTo(50, 10);
      expect(byArm.Active.age.sd).toBeCloseTo(10, 10);
      expect(byArm.Placebo).toMatchObject({ subjects: 3, age: { n: 3, min: 30, max: 60 }, sex: { F: 1, M: 2 } });
      expect(byArm.Placebo.age.mean).toBeCloseTo(45, 10);
      expect(byArm.Placebo.age.sd).toBeCloseTo(15, 10);
      expect(byArm.all).toMatchObject({ subjects: 6, age: { n: 6, min: 30, max: 60 }, sex: { F: 3, M: 3 } });
      expect(byArm.all.age.mean).toBeCloseTo(47.5, 10);
    });

    it("states the primary endpoint (change in systolic BP at the last visit) as the statistics service computes it: ANCOVA and Welch", async () => {
      const primary = report.efficacy.primary_endpoint;
      expect(primary.visit).toBe('Week8');
      expect(primary.by_arm.map((cell) => [cell.arm, cell.n])).toEqual([['Active', 3], ['Placebo', 3]]);
      expect(primary.by_arm[0].mean).toBeCloseTo(-15, 10);
      expect(primary.by_arm[1].mean).toBeCloseTo(-3, 10);
      const stats = await statistician.get('/analytics/stats/comparisons').query({ study: protocolId, vital: 'systolic_bp' });
      expectStatus(stats, 200);
      const atWeek8 = stats.body.comparisons.find((c: { visit: string }) => c.visit === 'Week8');
      const ancova = atWeek8.ancova.comparisons[0];
      const welch = atWeek8.change_from_baseline.comparisons[0];
      expect(primary.ancova).toEqual([
        expect.objectContaining({ arm: 'Active', reference_arm: 'Placebo', difference: ancova.difference, ci_lower: ancova.ci_lower, ci_upper: ancova.ci_upper, p_value: ancova.p_value }),
      ]);
      expect(primary.welch).toEqual([
        expect.objectContaining({ arm: 'Active', reference_arm: 'Placebo', difference: welch.difference, ci_lower: welch.ci_lower, ci_upper: welch.ci_upper, p_value: welch.p_value }),
      ]);
      expect(welch.difference).toBeCloseTo(-12, 10);
    });

    it('summarises adverse events by arm (any, serious, related, fatal), by body system, and lists serious events and deaths', () => {
      expect(report.safety.adverse_events_overview).toEqual([
        { arm: 'Active', subjects: 3, with_any: 2, serious: 1, related: 1, fatal: 1, events: 2 },
        { arm: 'Placebo', subjects: 3, with_any: 1, serious: 0, related: 1, fatal: 0, events: 2 },
      ]);
      expect(report.safety.adverse_events_by_body_system).toEqual([
        { body_system: 'Cardiac disorders', arm: 'Active', subjects: 1, events: 1 },
        { body_system: 'Gastrointestinal disorders', arm: 'Placebo', subjects: 1, events: 1 },
        { body_system: 'Nervous system disorders', arm: 'Active', subjects: 1, events: 1 },
        { body_system: 'Nervous system disorders', arm: 'Placebo', subjects: 1, events: 1 },
      ]);
      expect(report.safety.serious_events.total).toBe(1);
      expect(report.safety.serious_events.rows[0].slice(0, 3)).toEqual([SUBJECTS[2].id, 'Active', 'Myocardial infarction']);
      expect(report.safety.deaths.total).toBe(1);
    });

    it('gives vital signs by visit and arm from the statistics service, and counts notable values per arm', async () => {
      const systolic = report.safety.vital_signs.find((vital) => vital.parameter === 'systolic_bp')!;
      const descriptive = await statistician.get('/analytics/stats/descriptive').query({ study: protocolId });
      expectStatus(descriptive, 200);
      const theirs = descriptive.body.values.filter((cell: { vital: string }) => cell.vital === 'systolic_bp');
      expect(systolic.values.map((cell) => [cell.visit, cell.arm, cell.n, cell.mean])).toEqual(theirs.map((cell: Record<string, unknown>) => [cell.visit, cell.arm, cell.n, cell.mean]));
      expect(systolic.values.find((cell) => cell.visit === 'Baseline' && cell.arm === 'Active')!.mean).toBeCloseTo(150, 10);
      const notable = (criterion: string, arm: string) => report.safety.notable_values.rows.find((row) => row.criterion.startsWith(criterion) && row.arm === arm);
      expect(notable('Systolic BP >= 180', 'Active')).toMatchObject({ subjects: 1, records: 1 });
      expect(notable('Systolic BP >= 180', 'Placebo')).toMatchObject({ subjects: 0, records: 0 });
      expect(notable('Heart rate > 120', 'Placebo')).toMatchObject({ subjects: 1, records: 1 });
      expect(notable('Temperature', 'Active')).toMatchObject({ subjects: 0 });
    });

    it('counts check runs and queries by site as the quality service holds them', async () => {
      const expected = await db<{ site_id: string; opened: number; open: number; closed: number }>(
        `SELECT site_id, count(*)::int AS opened, count(*) FILTER (WHERE status IN ('open', 'answered'))::int AS open, count(*) FILTER (WHERE status = 'closed')::int AS closed
           FROM quality_queries WHERE protocol_id = $1 GROUP BY site_id ORDER BY site_id`,
        [protocolId],
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(report.data_quality.queries_by_site.map(({ site_id, opened, open, closed }) => ({ site_id, opened, open, closed }))).toEqual(expected);
      expect(report.data_quality.runs).toMatchObject({ count: 1, rows_checked: 18 });
      expect(report.synopsis.open_queries).toBe(expected.reduce((sum, row) => sum + row.open, 0));
    });

    it('lists subjects, vitals and adverse events as appendices, each with its total', () => {
      expect(report.appendices.map((listing) => [listing.name, listing.total, listing.rows.length])).toEqual([
        ['Subjects', 6, 6],
        ['Vital signs', 18, 18],
        ['Adverse events', 4, 4],
      ]);
      expect(report.appendices.every((listing) => listing.note === null)).toBe(true);
    });
  });

  describe('formats', () => {
    it('renders HTML as one self-contained page: no script, escaped text, inline SVG charts, a strict policy', async () => {
      const response = await statistician.get(`/analytics/csr/${first.id}`).query({ format: 'html' });
      expectStatus(response, 200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      const html = response.text;
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('Report of &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
      expect(html).toContain('Headache &lt;b&gt;');
      expect(html).not.toMatch(/(src|href)=["']?https?:/i);
      expect(html.match(/<svg/g)?.length).toBe(2);
      expect(html).not.toContain('synthetic-banner');
      expect(html).toContain('Myocardial infarction');
      // The same bytes every time (rendered from the stored JSON only).
      expect((await statistician.get(`/analytics/csr/${first.id}`).query({ format: 'html' })).text).toBe(html);
    });

    it('renders Markdown with the same numbers and escaped text', async () => {
      const response = await statistician.get(`/analytics/csr/${first.id}`).query({ format: 'markdown' });
      expectStatus(response, 200);
      expect(response.headers['content-type']).toMatch(/^text\/markdown/);
      const markdown = response.text;
      expect(markdown.split('\n')[0]).toBe('# Report of &lt;script>alert("x")&lt;/script> &amp; co');
      expect(markdown).toContain('| Active | 3 | 3 | 3 | 1 | 0 | 2 |');
      expect(markdown).toContain('| Active | 3 | 2 | 1 | 1 | 1 | 2 |');
      expect(markdown).toContain('| Week8 | Active | 3 | -15.00 |');
      expect(markdown).toContain(`| ${SUBJECTS[2].id} | Active | Myocardial infarction |`);
      expect(markdown).not.toContain('SYNTHETIC');
    });

    it('drafts the Markdown of the current data without storing a version', async () => {
      const before = await db<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE protocol_id = $1`, [protocolId]);
      const draft = await statistician.post('/analytics/csr/draft').send({ study: protocolId });
      expectStatus(draft, 200);
      expect(draft.headers['content-type']).toMatch(/^text\/markdown/);
      expect(draft.text).toContain('_Draft of the current data: not stored._');
      expect(draft.text).toContain('| Placebo | 3 | 3 | 3 | 0 | 1 | 2 |');
      // Not stored, so not hashed (the hash is the longest step of a large study's report).
      expect(draft.text).toContain('- **Data SHA-256:** not computed (a draft: nothing is stored)');
      expect(draft.text).not.toMatch(/[0-9a-f]{64}/);
      expect(await db<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE protocol_id = $1`, [protocolId])).toEqual(before);
    });
  });

  describe('audited reads (the report holds subject-level listings)', () => {
    type Event = { action: string; entity_type: string; entity_id: string; username: string; changes: Record<string, { new: unknown }> };
    const eventsOf = (entityType: string, entityId: string, action: string) =>
      db<Event>(`SELECT action, entity_type, entity_id, username, changes FROM audit_events WHERE entity_type = $1 AND entity_id = $2 AND action = $3 ORDER BY seq`, [
        entityType,
        entityId,
        action,
      ]);

    it('records each read of a stored version: who, which format', async () => {
      const before = (await eventsOf('document', first.id, 'read')).length;
      for (const format of ['json', 'html', 'markdown']) expectStatus(await statistician.get(`/analytics/csr/${first.id}`).query({ format }), 200);
      expectStatus(await monitor.get(`/analytics/csr/${first.id}`), 200);
      const reads = (await eventsOf('document', first.id, 'read')).slice(before);
      expect(reads.map((event) => event.changes.format.new)).toEqual(['json', 'html', 'markdown', 'json']);
      expect(reads.slice(0, 3).every((event) => event.username === first.created_by_username)).toBe(true);
      expect(reads[3].username).not.toBe(first.created_by_username);
      expect(reads[0].changes).toMatchObject({ version: { new: 1 } });
      expect(reads[0].changes).not.toHaveProperty('site_ids');
    });

    it('records a draft as an export of the study, with its scope', async () => {
      const before = (await eventsOf('clinical_study_report_draft', protocolId, 'export')).length;
      expectStatus(await statistician.post('/analytics/csr/draft').send({ study: protocolId, site: 'S02' }), 200);
      const exports = (await eventsOf('clinical_study_report_draft', protocolId, 'export')).slice(before);
      expect(exports).toHaveLength(1);
      expect(exports[0].changes).toMatchObject({ format: { new: 'markdown' }, scope: { new: { study: protocolId, sites: ['S02'], site_limited: false } } });
      expect(exports[0].username).toBe(first.created_by_username);
    });

    it('records nothing for a report the reader may not see', async () => {
      const before = await db<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'read' AND entity_type = 'document'`);
      expectStatus(await statistician.get('/analytics/csr/00000000-0000-4000-8000-000000000000'), 404);
      expect(await db<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'read' AND entity_type = 'document'`)).toEqual(before);
    });
  });

  describe('versions', () => {
    let second: CsrDocument;

    beforeAll(async () => {
      second = await generated(statistician);
    });

    it('numbers a regeneration as the next version, with the same data hash when nothing changed', () => {
      expect(second).toMatchObject({ version: 2, data_sha256: first.data_sha256, title: 'Clinical study report: Report study' });
      expect(second.id).not.toBe(first.id);
    });

    it('lists the versions newest first, paged, to readers of statistics', async () => {
      const page = await monitor.get('/analytics/csr').query({ study: protocolId, limit: 1 });
      expectStatus(page, 200);
      expect(page.body.page).toEqual({ limit: 1, offset: 0, total: 2 });
      expect(page.body.data.map((d: CsrDocument) => d.version)).toEqual([2]);
      const next = await monitor.get('/analytics/csr').query({ study: protocolId, limit: 1, offset: 1 });
      expect(next.body.data.map((d: CsrDocument) => d.id)).toEqual([first.id]);
      expect((await monitor.get(`/analytics/csr/${first.id}`)).status).toBe(200);
      expect((await monitor.post('/analytics/csr').send({ study: protocolId })).status).toBe(403);
      expect((await investigator.get('/analytics/csr').query({ study: protocolId })).status).toBe(403);
    });

    it('cannot be changed: the runtime role may not update or delete a stored version', async () => {
      const dataSource = platform.apps[0].get(DataSource, { strict: false });
      await expect(dataSource.query(`UPDATE documents SET title = 'changed' WHERE id = $1`, [first.id])).rejects.toThrow(/permission denied/);
      await expect(dataSource.query(`DELETE FROM documents WHERE id = $1`, [first.id])).rejects.toThrow(/permission denied/);
      expect((await reportOf(first.id)).title_page.title).toBe(first.title);
    });

    it('gets numbers one after another when generated at the same time: all of them stored, none refused', async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, () => generate(statistician)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
      const versions = answers.map((answer) => (answer.body as CsrDocument).version).sort((a, b) => a - b);
      expect(versions).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    });
  });

  describe('within its deadline', () => {
    /** A connection of its own (as the superuser), for a lock held across requests. */
    const connection = async (): Promise<pg.Client> => {
      const client = new pg.Client({ connectionString: platform.database!.superuserUrl });
      await client.connect();
      return client;
    };
    const stored = async () => {
      const [counts] = await db<{ documents: number; events: number }>(
        `SELECT (SELECT count(*) FROM documents WHERE protocol_id = $1)::int AS documents,
                (SELECT count(*) FROM audit_events WHERE entity_type = 'document' AND action = 'generate')::int AS events`,
        [protocolId],
      );
      return counts;
    };
    /** `request` answered while `lockSql` is held and the route's deadline is 2 s; afterwards nothing of it waits or holds a transaction. */
    const pastDeadline = async (handler: object, lockSql: string, request: () => Promise<Response>): Promise<Response> => {
      const deadline: unknown = Reflect.getMetadata(ROUTE_DEADLINE_MS, handler);
      const holder = await connection();
      try {
        await holder.query('BEGIN');
        await holder.query(lockSql);
        Reflect.defineMetadata(ROUTE_DEADLINE_MS, 2_000, handler);
        const answer = await request();
        // Answered after the rollback: nothing of the work waits on the lock any more, or holds a transaction open.
        const waiting = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()`,
        );
        expect(waiting.rows[0].n).toBe(0);
        // The work's transactions began before the answer and, waiting on the lock held here, would stay open; the
        // platform's own background transactions (cache replay, job polling) may be caught in flight, but end at once.
        const answeredAt = new Date();
        const openSince = async () =>
          (
            await holder.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity
                WHERE datname = current_database() AND usename <> current_user AND pid <> pg_backend_pid() AND xact_start <= $1`,
              [answeredAt],
            )
          ).rows[0].n as number;
        expect(await eventually(async () => ((await openSince()) === 0 ? 0 : undefined), 1_500, 50).catch(async () => openSince())).toBe(0);
        return answer;
      } finally {
        Reflect.defineMetadata(ROUTE_DEADLINE_MS, deadline, handler);
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
    };

    it('has a deadline of its own (generate and draft), not REQUEST_TIMEOUT_MS', () => {
      expect(Reflect.getMetadata(ROUTE_DEADLINE_MS, CsrController.prototype.generate)).toBe(CSR_DEADLINE_MS);
      expect(Reflect.getMetadata(ROUTE_DEADLINE_MS, CsrController.prototype.draft)).toBe(CSR_DEADLINE_MS);
    });

    it('is stopped at its deadline, its statement cancelled and rolled back before the 503: nothing was stored, so a retry stores one version', async () => {
      const before = await stored();
      // The version's insert waits for this lock until the deadline.
      const late = await pastDeadline(CsrController.prototype.generate, 'LOCK TABLE documents IN ACCESS EXCLUSIVE MODE', () => generate(statistician));
      expect({ status: late.status, message: late.body.message }).toMatchObject({
        status: 503,
        message: expect.stringMatching(/^The report did not finish within its deadline .*nothing was stored/),
      });
      expect(late.headers['content-type']).toMatch(/^application\/json/);
      expect(await stored()).toEqual(before);
      const retried = await generated(statistician);
      expect(await stored()).toEqual({ documents: before.documents + 1, events: before.events + 1 });
      expect(retried.version).toBe(before.documents + 1);
    });

    it('stops a draft at its deadline, cancelling the statement it is waiting in', async () => {
      const late = await pastDeadline(CsrController.prototype.draft, 'LOCK TABLE vital_signs IN ACCESS EXCLUSIVE MODE', () =>
        statistician.post('/analytics/csr/draft').send({ study: protocolId }),
      );
      expect({ status: late.status, message: late.body.message }).toMatchObject({ status: 503, message: expect.stringMatching(/^The report did not finish within its deadline/) });
      expect(late.headers['content-type']).toMatch(/^application\/json/);
    });
  });

  describe('a site-limited statistician', () => {
    let ofS01: CsrDocument;

    beforeAll(async () => {
      ofS01 = await generated(statisticianOfS01);
    });

    it("reports only their sites' subjects, and says so", async () => {
      expect(ofS01.scope).toMatchObject({ sites: ['S01'], site_limited: true, note: expect.stringContaining('S01') });
      const theirs = await reportOf(ofS01.id, statisticianOfS01);
      const [read] = await db<{ changes: Record<string, { new: unknown }> }>(
        `SELECT changes FROM audit_events WHERE entity_type = 'document' AND entity_id = $1 AND action = 'read' ORDER BY seq DESC LIMIT 1`,
        [ofS01.id],
      );
      expect(read.changes).toMatchObject({ format: { new: 'json' }, site_ids: { new: ['S01'] } });
      expect(theirs.study_subjects.disposition.map((row) => [row.arm, row.enrolled])).toEqual([['Active', 2], ['Placebo', 1]]);
      expect(theirs.appendices[0].rows.every((row) => String(row[1]) === 'S01')).toBe(true);
      expect(theirs.data_quality.queries_by_site.every((row) => row.site_id === 'S01')).toBe(true);
      expect(ofS01.data_sha256).not.toBe(first.data_sha256);
    });

    it('sees only versions of their sites: never a whole-study report', async () => {
      const listed = await statisticianOfS01.get('/analytics/csr').query({ study: protocolId });
      expectStatus(listed, 200);
      expect(listed.body.data.map((d: CsrDocument) => d.id)).toEqual([ofS01.id]);
      expect(listed.body.page.total).toBe(1);
      expectStatus(await statisticianOfS01.get(`/analytics/csr/${first.id}`), 404);
      expectStatus(await statisticianOfS01.get(`/analytics/csr/${first.id}`).query({ format: 'html' }), 404);
      expectStatus(await statisticianOfS01.post('/analytics/csr').send({ study: protocolId, site: 'S02' }), 404);
    });
  });

  describe('refusals', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['a study that is not a code', { study: 'no spaces' }, 'study'],
      ['a dataset id that is not a UUID', { dataset_id: '42' }, 'dataset_id'],
      ['a blank title', { title: '   ' }, 'title'],
      ['a title with a control character', { title: 'a\u0007b' }, 'title'],
      ['a title over 200 characters', { title: 'x'.repeat(201) }, 'title'],
      ['an unknown field', { format: 'pdf' }, 'format'],
    ])('refuses %s with 400 and stores nothing', async (_case, body, field) => {
      const before = await db<{ n: number }>(`SELECT count(*)::int AS n FROM documents`);
      const response = await generate(statistician, body);
      expectStatus(response, 400);
      expect(JSON.stringify(response.body)).toContain(field);
      expect(await db<{ n: number }>(`SELECT count(*)::int AS n FROM documents`)).toEqual(before);
    });

    it('answers 404 for an unknown study or site, or a report it does not have; 400 for an id or format it cannot read', async () => {
      expectStatus(await generate(statistician, { study: 'NO-SUCH-STUDY' }), 404);
      expectStatus(await generate(statistician, { site: 'S99' }), 404);
      expectStatus(await statistician.get('/analytics/csr').query({ study: 'NO-SUCH-STUDY' }), 404);
      expectStatus(await statistician.get('/analytics/csr/00000000-0000-4000-8000-000000000000'), 404);
      expectStatus(await statistician.get('/analytics/csr/not-a-uuid'), 400);
      expectStatus(await statistician.get(`/analytics/csr/${first.id}`).query({ format: 'pdf' }), 400);
      expectStatus(await statistician.get('/analytics/csr').query({ study: protocolId, limit: 501 }), 400);
    });

    it("answers a draft's errors as JSON, not as the Markdown it answers on success", async () => {
      const missing = await statistician.post('/analytics/csr/draft').send({ study: 'NO-SUCH-STUDY' });
      expectStatus(missing, 404);
      expect(missing.headers['content-type']).toMatch(/^application\/json/);
      expect(missing.body.message).toMatch(/NO-SUCH-STUDY/);
      const refused = await statistician.post('/analytics/csr/draft').send({ study: protocolId, format: 'pdf' });
      expectStatus(refused, 400);
      expect(refused.headers['content-type']).toMatch(/^application\/json/);
    });
  });

  describe('synthetic data', () => {
    let datasetId: string;
    let synthetic: CsrDocument;

    beforeAll(async () => {
      const accepted = await platform.admin.post('/generation/generate/rules').send({ n_total: 8, first_subject_number: 801, seed: 5, store: true });
      expectStatus(accepted, 202);
      datasetId = accepted.body.id;
      await eventually(
        async () => {
          const job = await platform.admin.get(`/generation/jobs/${datasetId}`);
          if (['failed', 'cancelled'].includes(job.body.state)) throw new Error(`generation ${job.body.state}: ${job.body.error}`);
          return job.body.state === 'stored' ? job : undefined;
        },
        60_000,
        100,
      );
      synthetic = await generated(statistician, { study: 'DEFAULT', dataset_id: datasetId });
    });

    it('is marked on the first page of every format', async () => {
      expect(synthetic).toMatchObject({ synthetic: true, scope: { study: 'DEFAULT', dataset_id: datasetId } });
      const json = await reportOf(synthetic.id);
      expect(json.synthetic).toBe(true);
      expect(json.synthetic_notice).toMatch(/^SYNTHETIC DATA/);
      expect(json.study_subjects.disposition.reduce((sum, row) => sum + Number(row.screened), 0)).toBe(8);
      const html = (await statistician.get(`/analytics/csr/${synthetic.id}`).query({ format: 'html' })).text;
      expect(html.indexOf('id="synthetic-banner"')).toBeGreaterThan(0);
      expect(html.indexOf('id="synthetic-banner"')).toBeLessThan(html.indexOf('<h1>'));
      const markdown = (await statistician.get(`/analytics/csr/${synthetic.id}`).query({ format: 'markdown' })).text;
      expect(markdown.split('\n')[0]).toMatch(/^> \*\*SYNTHETIC DATA/);
      const draft = await statistician.post('/analytics/csr/draft').send({ study: 'DEFAULT', dataset_id: datasetId });
      expect(draft.text.split('\n')[0]).toMatch(/^> \*\*SYNTHETIC DATA/);
    });
  });

  describe('the data hash', () => {
    it('changes when a value changes, and only then', async () => {
      const before = await generated(statistician);
      const again = await generated(statistician);
      expect(again.data_sha256).toBe(before.data_sha256);
      const corrected = await platform.admin.patch(`/edc/patients/${SUBJECTS[1].id}`).query({ protocolId }).send({ demographics: { age: 31 }, reason: 'age misread' });
      expectStatus(corrected, 200);
      const after = await generated(statistician);
      expect(after.data_sha256).not.toBe(before.data_sha256);
      expect(after.version).toBe(again.version + 1);
      const placebo = (await reportOf(after.id)).study_subjects.demographics.find((row) => row.arm === 'Placebo')!;
      expect(placebo.age.min).toBe(31);
    });

    it("changes with a corrected vital sign, a corrected adverse event and a record entered in error, each in the report's figures", async () => {
      const hashes = [(await generated(statistician)).data_sha256];
      const [vital] = await db<{ id: string }>(
        `SELECT v.id FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.protocol_id = $1 AND p.subject_number = $2 AND v.visit_name = 'Week4'`,
        [protocolId, SUBJECTS[4].id],
      );
      expectStatus(await platform.admin.patch(`/edc/vitals/${vital.id}`).send({ heart_rate: 45, reason: 'transcription error' }), 200);
      const corrected = await generated(statistician);
      hashes.push(corrected.data_sha256);
      const notable = (await reportOf(corrected.id)).safety.notable_values.rows.find((row) => row.criterion.startsWith('Heart rate < 50') && row.arm === 'Active');
      expect(notable).toMatchObject({ subjects: 1, records: 1 });

      const [event] = await db<{ id: string }>(`SELECT a.id FROM adverse_events a JOIN patients p ON p.id = a.patient_id WHERE p.protocol_id = $1 AND a.term = 'Nausea'`, [protocolId]);
      expectStatus(await platform.admin.patch(`/edc/adverse-events/${event.id}`).send({ serious: true, reason: 'hospitalised, reported late' }), 200);
      const serious = await generated(statistician);
      hashes.push(serious.data_sha256);
      expect((await reportOf(serious.id)).safety.adverse_events_overview.find((row) => row.arm === 'Placebo')).toMatchObject({ serious: 1 });

      expectStatus(await platform.admin.post(`/edc/vitals/${vital.id}/entered-in-error`).send({ reason: 'wrong subject' }), 200);
      const removed = await generated(statistician);
      hashes.push(removed.data_sha256);
      expect((await reportOf(removed.id)).appendices.find((listing) => listing.name === 'Vital signs')!.total).toBe(17);
      expect(new Set(hashes).size).toBe(4);
    });

    it('names its method, and covers only the columns the report shows: a value it does not show changes nothing', async () => {
      const before = await generated(statistician);
      expect(before.data_sha256_method).toBe('csr-data-v1');
      expect((await reportOf(before.id)).title_page.data_sha256_method).toBe('csr-data-v1');
      const markdown = (await statistician.get(`/analytics/csr/${before.id}`).query({ format: 'markdown' })).text;
      expect(markdown).toContain(`${before.data_sha256} (csr-data-v1)`);
      // The batch a vital was stored in is in the view but not in the report (written directly: the EDC never changes it).
      const client = new pg.Client({ connectionString: platform.database!.superuserUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL session_replication_role = replica');
        const changed = await client.query(`UPDATE vital_signs v SET data_batch = gen_random_uuid() FROM patients p WHERE p.id = v.patient_id AND p.protocol_id = $1`, [protocolId]);
        expect(changed.rowCount).toBeGreaterThan(0);
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
      expect((await generated(statistician)).data_sha256).toBe(before.data_sha256);
    });

    it("changes with the default study's design that a study without its own borrows", async () => {
      const borrower = `${protocolId}B`;
      expectStatus(await platform.admin.post('/edc/studies').send({ protocol_id: borrower, title: 'Without a schedule', sites: [{ site_id: 'S01' }] }), 201);
      const defaults = await platform.admin.get('/edc/studies/DEFAULT');
      expectStatus(defaults, 200);
      const baseline: string = defaults.body.baseline_visit;
      const other: string = (defaults.body.schedule as Array<{ visit_name: string }>).map((visit) => visit.visit_name).find((name) => name !== baseline) ?? '';
      expect(other).not.toBe('');
      const first = await generated(statistician, { study: borrower });
      expect((await reportOf(first.id)).study_design.baseline_visit).toBe(baseline);
      try {
        expectStatus(await platform.admin.patch('/edc/studies/DEFAULT').send({ baseline_visit: other }), 200);
        const second = await generated(statistician, { study: borrower });
        expect((await reportOf(second.id)).study_design.baseline_visit).toBe(other);
        expect(second.data_sha256).not.toBe(first.data_sha256);
      } finally {
        expectStatus(await platform.admin.patch('/edc/studies/DEFAULT').send({ baseline_visit: baseline }), 200);
      }
      expect((await generated(statistician, { study: borrower })).data_sha256).toBe(first.data_sha256);
    });
  });
});
