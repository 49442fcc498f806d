import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';

/** The status, with the body's message beside it so that a failure shows what the platform said. */
function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, message: response.body?.message }).toEqual({ status, message: response.body?.message });
}

const STORE_VITALS_FIELDS = [
  'SubjectID', 'VisitName', 'TreatmentArm', 'SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature', 'RespiratoryRate',
  'SiteID', 'ProtocolID', 'VisitDate', 'MeasurementTime',
];
const DEFAULT_VISITS = ['Screening', 'Day 1', 'Week 4', 'Week 12'];

interface Record_ { SubjectID: string; VisitName: string; TreatmentArm: string; SystolicBP: number; DiastolicBP: number; [field: string]: unknown }

/** Previews of each mode, by request, so the second mode can be compared byte for byte with the first. */
const previewBytes = new Map<string, string>();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(['all-in-one', 'split'] as const)('Data generation: previews and comparisons (%s mode)', (mode) => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform(mode);
  });
  afterAll(() => platform?.close());

  const generate = (method: string, body: Record<string, unknown>) => platform.admin.post(`/generation/generate/${method}`).send(body);

  describe('the rules generator', () => {
    it('answers records in exactly the field names of store-vitals, with subjects, adverse events and a manifest that counts them', async () => {
      const response = await generate('rules', { n_per_arm: 4, seed: 42 });
      expectStatus(response, 200);
      const { records, subjects, adverse_events, manifest } = response.body;
      expect(Object.keys(response.body).sort()).toEqual(['adverse_events', 'manifest', 'records', 'subjects']);
      for (const record of records as Array<Record<string, unknown>>) {
        expect(Object.keys(record).filter((field) => !STORE_VITALS_FIELDS.includes(field))).toEqual([]);
      }
      expect(subjects).toHaveLength(8);
      expect(manifest.counts).toMatchObject({ subjects: 8, records: records.length, adverse_events: adverse_events.length });
      expect(manifest).toMatchObject({ method: 'rules', seed: 42, parameters: { n_per_arm: 4, target_effect: -5, effect_visit: 'Week 12' } });
      expect(manifest.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(new Set((records as Record_[]).map((record) => record.VisitName))).toEqual(new Set(DEFAULT_VISITS));
      expect((subjects as Array<{ SubjectID: string }>).map((subject) => subject.SubjectID)).toEqual(
        expect.arrayContaining(['RA001-001', 'RA001-008']),
      );
      expect(new Set((subjects as Array<{ TreatmentArm: string }>).map((subject) => subject.TreatmentArm))).toEqual(new Set(['Active', 'Placebo']));
    });

    it('gives the same bytes for the same method, parameters and seed, and other data for another seed', async () => {
      const body = { n_per_arm: 6, seed: 7, errors: { out_of_range: 0.1, typo: 0.1 }, missing_rate: 0.1 };
      const first = await generate('rules', body);
      const second = await generate('rules', body);
      expectStatus(first, 200);
      expect(second.text).toBe(first.text);
      const other = await generate('rules', { ...body, seed: 8 });
      expect(other.body.manifest.content_hash).not.toBe(first.body.manifest.content_hash);
      previewBytes.set(`${mode}:rules`, sha256(first.text));
    });

    it('gives the same bytes in every run mode', () => {
      const modes = [...previewBytes.keys()].filter((key) => key.endsWith(':rules'));
      if (mode === 'split') expect(modes).toEqual(['all-in-one:rules', 'split:rules']);
      expect(new Set(modes.map((key) => previewBytes.get(key))).size).toBe(1);
    });

    it('makes records the EDC stores unchanged: a preview posted to store-vitals is stored whole', async () => {
      const response = await generate('rules', { n_per_arm: 3, seed: 3, first_subject_number: 700 + (mode === 'split' ? 50 : 0) });
      expectStatus(response, 200);
      const stored = await platform.admin.post('/edc/store-vitals').send({ records: response.body.records });
      expectStatus(stored, 201);
      expect(stored.body.records_stored).toBe(response.body.records.length);
      const [first] = response.body.records as Record_[];
      const read = await platform.admin.get(`/edc/patients/${first.SubjectID}/vitals`);
      expectStatus(read, 200);
      expect(read.body.vitals.map((vital: { visit_name: string }) => vital.visit_name).sort()).toEqual([...DEFAULT_VISITS].sort());
    });

    it('records every injected error in the manifest, marking those capture refuses as not storable', async () => {
      const response = await generate('rules', { n_per_arm: 40, seed: 11, errors: { swapped_bp: 0.05, unit_flip: 0.05, duplicate_visit: 0.05, out_of_range: 0.05 } });
      expectStatus(response, 200);
      const { manifest, records } = response.body;
      const kinds = new Set((manifest.injected_errors as Array<{ kind: string }>).map((error) => error.kind));
      expect(kinds).toEqual(new Set(['swapped_bp', 'unit_flip', 'duplicate_visit', 'out_of_range']));
      const injected = manifest.injected_errors as Array<{ kind: string; storable: boolean }>;
      for (const error of injected) {
        if (error.kind === 'swapped_bp' || error.kind === 'unit_flip') expect(error).toMatchObject({ storable: false });
      }
      expect(injected.filter((error) => error.kind === 'duplicate_visit' && error.storable).length).toBeGreaterThan(0);
      const swapped = (records as Record_[]).filter((record) => record.DiastolicBP >= record.SystolicBP);
      expect(swapped.length).toBeGreaterThan(0);
      expect(manifest.counts.not_storable_records).toBeGreaterThanOrEqual(swapped.length);
    });

    it('takes n_total with the allocation ratio, a list of sites, a reference date and an effect visit', async () => {
      const response = await generate('rules', { n_total: 9, sites: ['X01', 'X02'], reference_date: '2024-02-05', effect_visit: 'Week 4', seed: 5 });
      expectStatus(response, 200);
      const { subjects, manifest } = response.body;
      expect(subjects).toHaveLength(9);
      expect(new Set((subjects as Array<{ SiteID: string }>).map((subject) => subject.SiteID))).toEqual(new Set(['X01', 'X02']));
      expect(manifest.parameters).toMatchObject({ n_per_arm: null, n_total: 9, sites: ['X01', 'X02'], reference_date: '2024-02-05', effect_visit: 'Week 4' });
      const enrolled = (subjects as Array<{ EnrollmentDate: string }>).map((subject) => subject.EnrollmentDate).sort();
      expect(enrolled[0] >= '2024-02-05').toBe(true);
    });
  });

  describe('refusals', () => {
    it.each([
      ['an unknown field', { n_per_arm: 2, colour: 'blue' }, 'colour'],
      ['a count that is not a whole number', { n_per_arm: 2.5 }, 'n_per_arm'],
      ['a count given as text', { n_per_arm: '10' }, 'n_per_arm'],
      ['a negative rate', { missing_rate: -0.1 }, 'missing_rate'],
      ['an unknown error kind', { errors: { gremlins: 0.1 } }, 'errors.gremlins'],
      ['a seed beyond 32 bits', { seed: 4_294_967_296 }, 'seed'],
      ['an impossible date', { reference_date: '2025-02-30' }, 'reference_date'],
      ['repeated site ids', { sites: ['S01', 'S01'] }, 'sites'],
      ['null for a setting', { seed: null }, 'seed'],
      ['both n_per_arm and n_total', { n_per_arm: 2, n_total: 4 }, 'n_total'],
      ['an effect visit the schedule lacks', { effect_visit: 'Week 99' }, 'effect_visit'],
    ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
      const response = await generate('rules', body);
      expectStatus(response, 400);
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
    });

    it('refuses a preview too large for one answer, saying what to do instead', async () => {
      const response = await generate('rules', { n_per_arm: 2_000 });
      expectStatus(response, 400);
      expect(response.body.message).toMatch(/at most 2,500 subjects and 10,000 records.*"store": true/);
    });

    it('answers 404 for a study that does not exist', async () => {
      const response = await generate('rules', { protocol_id: 'NO-SUCH-STUDY' });
      expectStatus(response, 404);
      expect(response.body.message).toContain('NO-SUCH-STUDY');
    });

    it('refuses broken JSON', async () => {
      const response = await platform.admin.post('/generation/generate/rules').set('Content-Type', 'application/json').send('{"n_per_arm": 2,');
      expectStatus(response, 400);
    });
  });

  describe('mvn, bootstrap and ae', () => {
    let source: Record_[];

    beforeAll(async () => {
      const response = await generate('rules', { n_per_arm: 30, seed: 99 });
      expectStatus(response, 200);
      source = response.body.records;
    });

    it('mvn fits supplied records and samples the study schedule; blocks below 8 rows fall back to the design', async () => {
      const response = await generate('mvn', { n_per_arm: 20, seed: 1, source: { records: source } });
      expectStatus(response, 200);
      expect(response.body.manifest).toMatchObject({ method: 'mvn', source: '240 supplied records' });
      expect(response.body.records).toHaveLength(160);
      const few = await generate('mvn', { n_per_arm: 2, seed: 1, source: { records: source.slice(0, 5) } });
      expectStatus(few, 200);
    });

    it('mvn learns from the study\'s stored vitals when no source is named', async () => {
      const response = await generate('mvn', { n_per_arm: 2, seed: 1 });
      expectStatus(response, 200);
      expect(response.body.manifest.source).toMatch(/^study DEFAULT \(/);
    });

    it('bootstrap resamples whole trajectories of the same arm with new ids', async () => {
      const response = await generate('bootstrap', { n_per_arm: 5, seed: 2, jitter: 0, source: { records: source } });
      expectStatus(response, 200);
      const bySubject = (records: Record_[]) => {
        const trajectories = new Map<string, string>();
        for (const record of records) {
          trajectories.set(record.SubjectID, `${trajectories.get(record.SubjectID) ?? `${record.TreatmentArm}`}|${record.VisitName}:${record.SystolicBP}/${record.DiastolicBP}`);
        }
        return trajectories;
      };
      const sourceTrajectories = new Set(bySubject(source).values());
      for (const trajectory of bySubject(response.body.records).values()) expect(sourceTrajectories).toContain(trajectory);
    });

    it('bootstrap refuses a source without subjects in one of the arms', async () => {
      const response = await generate('bootstrap', { n_per_arm: 2, source: { records: source.filter((record) => record.TreatmentArm === 'Active') } });
      expectStatus(response, 400);
      expect(response.body.message).toContain('"Placebo"');
    });

    it('a source names exactly one of a study, a dataset or records', async () => {
      const response = await generate('mvn', { source: { protocol_id: 'DEFAULT', records: source.slice(0, 1) } });
      expectStatus(response, 400);
      expect(response.body.message).toMatch(/exactly one of protocol_id/);
    });

    it('ae answers adverse events with rates per arm and no vitals records', async () => {
      const response = await generate('ae', { n_per_arm: 50, seed: 4, ae_rates: { Active: 3, Placebo: 0 } });
      expectStatus(response, 200);
      const { records, adverse_events, subjects } = response.body;
      expect(records).toEqual([]);
      const armOf = new Map((subjects as Array<{ SubjectID: string; TreatmentArm: string }>).map((subject) => [subject.SubjectID, subject.TreatmentArm]));
      const arms = (adverse_events as Array<{ SubjectID: string }>).map((event) => armOf.get(event.SubjectID));
      expect(arms.filter((arm) => arm === 'Placebo')).toEqual([]);
      expect(arms.length).toBeGreaterThan(100);
    });

    it('compare finds no difference between a dataset and itself, and measures one between source and generated data', async () => {
      const same = await platform.admin.post('/generation/generate/compare').send({ source: { records: source }, generated: { records: source } });
      expectStatus(same, 200);
      expect(same.body.overall.systolic_bp).toMatchObject({ mean_difference: 0, ks_d: 0 });
      expect(same.body.correlation.max_absolute_difference).toBe(0);
      const generated = await generate('mvn', { n_per_arm: 30, seed: 8, source: { records: source } });
      const compared = await platform.admin.post('/generation/generate/compare').send({ source: { records: source }, generated: { records: generated.body.records } });
      expectStatus(compared, 200);
      expect(compared.body).toMatchObject({ source_records: 240, generated_records: 240 });
      expect(compared.body.overall.systolic_bp.ks_d).toBeGreaterThan(0);
      expect(compared.body.overall.systolic_bp.ks_d).toBeLessThan(0.25);
      expect(compared.body.by_visit.map((visit: { visit: string }) => visit.visit)).toEqual(DEFAULT_VISITS);
    });
  });

  describe('storing ("store": true)', () => {
    async function finished(jobPath: string): Promise<Record<string, unknown>> {
      for (;;) {
        const job = await platform.admin.get(jobPath);
        expectStatus(job, 200);
        if (!['queued', 'running'].includes(job.body.state)) return job.body;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    it('answers 202 with the job and its Location, and the job stores the dataset in the EDC', async () => {
      const first = mode === 'split' ? 9_100 : 9_000;
      const response = await generate('rules', { n_per_arm: 3, seed: 21, first_subject_number: first, store: true });
      expectStatus(response, 202);
      expect(response.headers.location).toBe(`/generation/jobs/${response.body.id}`);
      expect(response.body).toMatchObject({ dataset_id: response.body.id, state: expect.stringMatching(/^(queued|running|stored)$/) });
      expect(await finished(response.headers.location)).toMatchObject({ state: 'stored', percent: 100, rows_total: 24 });
      const subject = await platform.admin.get(`/edc/patients/RA001-${first + 5}/vitals`);
      expectStatus(subject, 200);
      expect(subject.body.vitals).toHaveLength(4);
      // Marked synthetic wherever the EDC shows the subject; a subject captured at a site is not.
      const synthetic = { synthetic: true, dataset_id: response.body.id };
      expect((await platform.admin.get(`/edc/patients/RA001-${first + 5}`)).body).toMatchObject(synthetic);
      expect((await platform.admin.get(`/edc/patients/RA001-${first + 5}/casebook`)).body).toMatchObject(synthetic);
      const listed = await platform.admin.get(`/edc/patients?limit=500`);
      expect((listed.body.data as Array<{ subject_id: string }>).find((patient) => patient.subject_id === `RA001-${first}`)).toMatchObject(synthetic);
      const captured = `RA001-${first + 50}`;
      expectStatus(await platform.admin.post('/edc/store-vitals').send({ records: [{ SubjectID: captured, VisitName: 'Day 1', TreatmentArm: 'Active', SystolicBP: 120, DiastolicBP: 80, HeartRate: 70, Temperature: 36.6 }] }), 201);
      expect((await platform.admin.get(`/edc/patients/${captured}`)).body).toMatchObject({ synthetic: false, dataset_id: null });
    });

    it('refuses to store for roles that may only preview, saying so', async () => {
      const statistician = (await createUser(platform.baseUrl, platform.admin, { username: `stat-store-${mode}`, roles: ['statistician'] })).client;
      const response = await statistician.post('/generation/generate/rules').send({ n_per_arm: 1, store: true });
      expectStatus(response, 403);
      expect(response.body.message).toMatch(/admin, data_manager.*leave "store" out for a preview/);
    });

    it('lets a data manager limited to sites store only at those sites', async () => {
      const limited = (await createUser(platform.baseUrl, platform.admin, { username: `dm-s01-${mode}`, roles: ['data_manager'], site_ids: ['S01'] })).client;
      const elsewhere = await limited.post('/generation/generate/rules').send({ n_per_arm: 1, sites: ['S01', 'S02'], store: true });
      expectStatus(elsewhere, 403);
      expect(elsewhere.body.message).toContain('S02');
      const own = await limited.post('/generation/generate/rules').send({ n_per_arm: 1, sites: ['S01'], first_subject_number: mode === 'split' ? 9_300 : 9_200, store: true });
      expectStatus(own, 202);
      expect(await finished(own.headers.location)).toMatchObject({ state: 'stored' });
    });
  });

  describe('datasets and jobs as users limited to sites see them', () => {
    let stored: { s01: string; s01s02: string; bootstrapFromS02: string };
    let statisticianS01: Awaited<ReturnType<typeof createUser>>['client'];
    let dataManagerS02: Awaited<ReturnType<typeof createUser>>['client'];

    async function storedJob(body: Record<string, unknown>): Promise<string> {
      const response = await generate('rules', { ...body, store: true });
      expectStatus(response, 202);
      for (;;) {
        const job = await platform.admin.get(response.headers.location);
        if (job.body.state === 'stored') return response.body.id;
        expect(['queued', 'running']).toContain(job.body.state);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    beforeAll(async () => {
      const base = mode === 'split' ? 20_000 : 10_000;
      const s02Subject = `RA001-${base + 900}`;
      expectStatus(
        await platform.admin.post('/edc/store-vitals').send({
          records: ['Active', 'Placebo'].flatMap((arm, i) =>
            ['Screening', 'Day 1', 'Week 4', 'Week 12'].map((visit) => ({
              SubjectID: `${s02Subject}${i}`, VisitName: visit, TreatmentArm: arm, SystolicBP: 141, DiastolicBP: 91, HeartRate: 77, Temperature: 36.9, SiteID: 'S02',
            })),
          ),
        }),
        201,
      );
      const bootstrap = await generate('bootstrap', { n_per_arm: 1, jitter: 0, sites: ['S01'], first_subject_number: base + 300, store: true, source: { protocol_id: 'DEFAULT' } });
      expectStatus(bootstrap, 202);
      stored = {
        s01: await storedJob({ n_per_arm: 1, sites: ['S01'], first_subject_number: base + 100 }),
        s01s02: await storedJob({ n_per_arm: 1, sites: ['S01', 'S02'], first_subject_number: base + 200 }),
        bootstrapFromS02: bootstrap.body.id,
      };
      statisticianS01 = (await createUser(platform.baseUrl, platform.admin, { username: `stat-s01-${mode}`, roles: ['statistician'], site_ids: ['S01'] })).client;
      dataManagerS02 = (await createUser(platform.baseUrl, platform.admin, { username: `dm-s02-${mode}`, roles: ['data_manager'], site_ids: ['S02'] })).client;
    });

    it('lists, shows and exports only datasets all of whose sites, and whose stored source\'s sites, are theirs', async () => {
      const listed = await statisticianS01.get('/generation/datasets?limit=500');
      expectStatus(listed, 200);
      const ids = (listed.body.data as Array<{ id: string }>).map((dataset) => dataset.id);
      expect(ids).toContain(stored.s01);
      expect(ids).not.toContain(stored.s01s02);
      expect(ids).not.toContain(stored.bootstrapFromS02);
      expect(listed.body.page.total).toBe(ids.length);
      expectStatus(await statisticianS01.get(`/generation/datasets/${stored.s01}/export?format=csv`), 200);
      for (const hidden of [stored.s01s02, stored.bootstrapFromS02]) {
        expectStatus(await statisticianS01.get(`/generation/datasets/${hidden}`), 404);
        expectStatus(await statisticianS01.get(`/generation/datasets/${hidden}/export?format=csv`), 404);
        expectStatus(await statisticianS01.get(`/generation/jobs/${hidden}`), 404);
      }
      expectStatus(await platform.admin.get(`/generation/datasets/${stored.bootstrapFromS02}/export?format=csv`), 200);
    });

    it("neither shows nor cancels another site's job", async () => {
      const response = await generate('rules', { n_per_arm: 1, sites: ['S01'], first_subject_number: (mode === 'split' ? 20_000 : 10_000) + 400, store: true });
      expectStatus(response, 202);
      expectStatus(await dataManagerS02.get(`/generation/jobs/${response.body.id}`), 404);
      expectStatus(await dataManagerS02.delete(`/generation/jobs/${response.body.id}`), 404);
    });
  });

  it('refuses a reference date whose dates would leave four-digit years, and a store dated in the future', async () => {
    const far = await generate('rules', { n_per_arm: 1, reference_date: '9999-12-31' });
    expectStatus(far, 400);
    expect(far.body.details[0]).toMatchObject({ field: 'reference_date' });
    const future = await generate('rules', { n_per_arm: 1, reference_date: '2199-01-01', store: true });
    expectStatus(future, 400);
    expect(future.body.message).toMatch(/cannot be dated in the future.*earlier reference_date/);
  });

  it('previews for statisticians, and refuses monitors', async () => {
    const statistician = (await createUser(platform.baseUrl, platform.admin, { username: `stat-${mode}`, roles: ['statistician'] })).client;
    expectStatus(await statistician.post('/generation/generate/rules').send({ n_per_arm: 1 }), 200);
    const monitor = (await createUser(platform.baseUrl, platform.admin, { username: `mon-${mode}`, roles: ['monitor'] })).client;
    expectStatus(await monitor.post('/generation/generate/rules').send({ n_per_arm: 1 }), 403);
  });
});
