import request, { type Response } from 'supertest';
import { asUser, type Client, createUser, login } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { eventually } from '../support/wait.js';

/**
 * A trial from set-up to its report, as its users would run it, through the gateway of the split
 * deployment (every service its own process): the data manager signs in, sets up a study and has
 * a synthetic study generated and stored; the checks run and a query is answered by the site and
 * closed; the statistician computes the statistics, generates the report and exports SDTM and FHIR;
 * a correction makes the statistics change; the monitor finds every export in the audit trail.
 */

const STUDY = 'WFLOW1';
const SCHEDULE = [
  { visit_name: 'Screening', planned_day: -1, window_before: 13 },
  { visit_name: 'Day 1', planned_day: 1 },
  { visit_name: 'Week 4', planned_day: 28, window_before: 3, window_after: 3 },
  { visit_name: 'Week 12', planned_day: 84, window_before: 7, window_after: 7 },
];
const PASSWORD = 'whole-flow-password-7';

function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, body: response.status === status ? undefined : (response.body ?? response.text) }).toEqual({ status, body: undefined });
}

describe('the whole flow of a trial through the gateway (split mode)', () => {
  let platform: PlatformUnderTest;
  let dataManager: Client;
  let investigator: Client;
  let statistician: Client;
  let monitor: Client;
  let datasetId: string;
  let storedVitals: number;

  beforeAll(async () => {
    platform = await startPlatform('split');
    for (const [username, roles] of [
      ['dm.flow', ['data_manager']],
      ['inv.flow', ['investigator']],
      ['stat.flow', ['statistician']],
      ['mon.flow', ['monitor']],
    ] as const) {
      await createUser(platform.baseUrl, platform.admin, { username, roles: [...roles], password: PASSWORD });
    }
    // Each user signs in as a person would, with a username and password, through the gateway.
    const signIn = async (username: string) => asUser(platform.baseUrl, (await login(platform.baseUrl, username, PASSWORD)).accessToken);
    dataManager = await signIn('dm.flow');
    investigator = await signIn('inv.flow');
    statistician = await signIn('stat.flow');
    monitor = await signIn('mon.flow');
  }, 120_000);
  afterAll(() => platform?.close());

  it('sets up a study and stores a generated (synthetic) study in it', async () => {
    const created = await dataManager.post('/edc/studies').send({
      protocol_id: STUDY,
      title: 'Whole-flow study of an antihypertensive',
      status: 'enrolling',
      baseline_visit: 'Day 1',
      subject_id_format: `${STUDY}-{seq:3}`,
      sites: [{ site_id: 'S01' }, { site_id: 'S02' }],
      arms: [
        { arm_code: 'Active', allocation_ratio: 1 },
        { arm_code: 'Placebo', allocation_ratio: 1 },
      ],
      schedule: SCHEDULE,
    });
    expectStatus(created, 201);
    const queued = await dataManager.post('/generation/generate/rules').send({
      protocol_id: STUDY,
      n_per_arm: 40,
      seed: 20_261_126,
      sites: 2,
      target_effect: -8,
      effect_visit: 'Week 12',
      store: true,
      errors: { out_of_range: 0.02 },
    });
    expectStatus(queued, 202);
    datasetId = queued.body.id;
    const job = await eventually(
      async () => {
        const polled = await dataManager.get(`/generation/jobs/${datasetId}`);
        expectStatus(polled, 200);
        return ['stored', 'failed', 'cancelled'].includes(polled.body.state) ? polled : undefined;
      },
      120_000,
      200,
    );
    expect(job.body).toMatchObject({ state: 'stored', error: null });
    const { rows } = await platform.database!.admin(`SELECT count(*)::int AS n FROM edc_vitals WHERE protocol_id = $1`, [STUDY]);
    storedVitals = rows[0].n;
    expect(storedVitals).toBeGreaterThan(200);
  }, 180_000);

  it('runs the checks; the site answers a query and the data manager closes it', async () => {
    const run = await dataManager.post('/quality/checks/run').send({ study: STUDY });
    expectStatus(run, 201);
    expect(run.body.rows_checked).toBe(storedVitals);
    expect(run.body.queries_opened).toBeGreaterThan(0);
    const open = await investigator.get(`/quality/queries?study=${STUDY}&status=open&limit=1`);
    expectStatus(open, 200);
    const query = open.body.data[0];
    expectStatus(await investigator.post(`/quality/queries/${query.id}/answer`).send({ text: 'Checked against the source document: value confirmed' }), 200);
    const closed = await dataManager.post(`/quality/queries/${query.id}/close`).send({ text: 'Answer accepted' });
    expectStatus(closed, 200);
    expect(closed.body.status).toBe('closed');
  }, 60_000);

  it('computes the statistics over every stored record, from the cache the second time', async () => {
    const descriptive = await statistician.get(`/analytics/stats/descriptive?study=${STUDY}`);
    expectStatus(descriptive, 200);
    expect(descriptive.body.meta).toMatchObject({ records_used: storedVitals, cached: false, scope: { study: STUDY, sites: 'all', site_limited: false } });
    expect(descriptive.body.baseline_visit).toBe('Day 1');
    const n = descriptive.body.values
      .filter((cell: { vital: string }) => cell.vital === 'systolic_bp')
      .reduce((sum: number, cell: { n: number }) => sum + cell.n, 0);
    expect(n).toBe(storedVitals);
    const again = await statistician.get(`/analytics/stats/descriptive?study=${STUDY}`);
    expect(again.body.meta.cached).toBe(true);
    expect(again.body.values).toEqual(descriptive.body.values);

    const comparisons = await statistician.get(`/analytics/stats/comparisons?study=${STUDY}&vital=systolic_bp`);
    expectStatus(comparisons, 200);
    const week12 = comparisons.body.comparisons.find((row: { visit: string }) => row.visit === 'Week 12');
    // The generated effect (−8 mmHg at Week 12, Active vs Placebo) is found by the ANCOVA within its interval.
    const [adjusted] = week12.ancova.comparisons;
    expect(adjusted).toMatchObject({ group: 'Active', reference: 'Placebo' });
    expect(adjusted.ci_lower).toBeLessThan(-8 + 6);
    expect(adjusted.ci_upper).toBeGreaterThan(-8 - 6);
    expect(adjusted.p_value).toBeGreaterThan(0);

    const design = await statistician.post('/analytics/stats/week12').send({ study: STUDY });
    expectStatus(design, 200);
    expect(design.body).toMatchObject({ source: 'stored', visit: 'Week 12', arm: 'Active', reference: 'Placebo' });
    expect(design.body.difference).toBeCloseTo(week12.values.comparisons[0].difference, 9);

    const rbqm = await monitor.post('/analytics/rbqm/summary').send({ study: STUDY });
    expectStatus(rbqm, 200);
    expect(rbqm.body.sites.map((site: { site_id: string }) => site.site_id).sort()).toEqual(['S01', 'S02']);
  }, 60_000);

  it('never serves statistics computed before a correction', async () => {
    const before = await statistician.get(`/analytics/stats/descriptive?study=${STUDY}`);
    const { rows } = await platform.database!.admin(
      `SELECT vital_sign_id, subject_number, systolic_bp FROM edc_vitals WHERE protocol_id = $1 AND visit_name = 'Week 12' ORDER BY subject_number LIMIT 1`,
      [STUDY],
    );
    const corrected = await dataManager
      .patch(`/edc/vitals/${rows[0].vital_sign_id}`)
      .send({ systolic_bp: rows[0].systolic_bp + 20, reason: 'Transcription error: the source document says otherwise' });
    expectStatus(corrected, 200);
    const after = await statistician.get(`/analytics/stats/descriptive?study=${STUDY}`);
    expectStatus(after, 200);
    expect(after.body.meta.cached).toBe(false);
    expect(after.body.values).not.toEqual(before.body.values);
  }, 60_000);

  it('generates the study report, marked synthetic, and serves it as JSON, HTML and Markdown', async () => {
    const generated = await statistician.post('/analytics/csr').send({ study: STUDY });
    expectStatus(generated, 201);
    expect(generated.body).toMatchObject({ protocol_id: STUDY, version: 1, synthetic: true, created_by_username: 'stat.flow' });
    expect(generated.body.data_sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const format of ['json', 'html', 'markdown'] as const) {
      const served = await monitor.get(`/analytics/csr/${generated.body.id}?format=${format}`).buffer(true);
      expectStatus(served, 200);
      // JSON's "first page" is its top level; HTML and Markdown say it before anything else.
      const first = format === 'json' ? JSON.stringify({ synthetic: served.body.synthetic, notice: served.body.synthetic_notice }) : served.text.slice(0, 3_000);
      expect(first).toMatch(/synthetic/i);
      if (format === 'json') expect(served.body.synthetic).toBe(true);
      expect(format === 'json' ? JSON.stringify(served.body) : served.text).toContain(STUDY);
    }
  }, 120_000);

  it('exports SDTM and FHIR, each export in the audit trail with who, scope and rows', async () => {
    const vs = await statistician.post('/analytics/sdtm/export').send({ study: STUDY, domain: 'VS' }).buffer(true);
    expectStatus(vs, 200);
    const lines = vs.text.trim().split(/\r?\n/);
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['STUDYID', 'DOMAIN', 'USUBJID', 'VSSEQ', 'VSTESTCD', 'VSBLFL', 'VISITNUM', 'VSDY']));
    // One row per test (systolic, diastolic, pulse, temperature) per stored record.
    expect(lines.length - 1).toBe(4 * storedVitals);

    const fhir = await statistician.post('/analytics/fhir/export').send({ study: STUDY, limit: 1000 }).buffer(true);
    expectStatus(fhir, 200);
    const bundle = JSON.parse(fhir.text);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const patients = bundle.entry.filter((entry: { resource: { resourceType: string } }) => entry.resource.resourceType === 'Patient');
    expect(patients).toHaveLength(80);

    const events = await monitor.get(`/security/audit/events?action=export&username=stat.flow&limit=50`);
    expectStatus(events, 200);
    const exported = events.body.data.map((event: { entity_type: string }) => event.entity_type).sort();
    expect(exported).toEqual(['fhir_bundle', 'sdtm_vs']);
    const vsEvent = events.body.data.find((event: { entity_type: string }) => event.entity_type === 'sdtm_vs');
    expect(JSON.stringify(vsEvent.changes)).toContain(String(4 * storedVitals));
  }, 120_000);

  it('analyses a study without a schedule or arms of its own with the default study\'s, as it was generated', async () => {
    const created = await dataManager.post('/edc/studies').send({
      protocol_id: 'WFLOW2',
      title: 'Synthetic data without a schedule',
      status: 'enrolling',
      subject_id_format: 'WF2-{seq:4}',
      allow_new_sites: true,
      allow_unscheduled_visits: true,
      allow_unlisted_arms: true,
    });
    expectStatus(created, 201);
    const queued = await dataManager.post('/generation/generate/rules').send({ protocol_id: 'WFLOW2', n_per_arm: 20, seed: 5, store: true });
    expectStatus(queued, 202);
    await eventually(async () => ((await dataManager.get(`/generation/jobs/${queued.body.id}`)).body.state === 'stored' ? true : undefined), 120_000, 200);
    const comparisons = await statistician.get('/analytics/stats/comparisons?study=WFLOW2&vital=systolic_bp');
    expectStatus(comparisons, 200);
    expect(comparisons.body).toMatchObject({ baseline_visit: 'Day 1', reference_arm: 'Placebo', visits: ['Week 4', 'Week 12'] });
    expect(comparisons.body.comparisons.map((row: { visit: string }) => row.visit)).toEqual(['Week 4', 'Week 12']);
  }, 180_000);

  it('answers without a token with 401, at the gateway', async () => {
    expectStatus(await request(platform.baseUrl).get(`/analytics/stats/descriptive?study=${STUDY}`), 401);
  });
});
