import type { INestApplication } from '@nestjs/common';
import type { Response } from 'supertest';
import type { AuditActor } from '../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../libs/auth/src/index.js';
import { SERVICES } from '../../apps/api-gateway/src/services.js';
import { DatasetJobs } from '../../apps/data-generation-service/src/datasets/dataset-jobs.service.js';
import { defaultDesign } from '../../apps/data-generation-service/src/generators/default-design.js';
import { type GenerationParametersInput, withDefaults } from '../../apps/data-generation-service/src/generators/parameters.js';
import type { Recipe } from '../../apps/data-generation-service/src/generators/recipe.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { eventually } from '../support/wait.js';

const ACTOR: AuditActor = { userId: null, username: 'dm.generator', role: 'data_manager', clientAddress: '127.0.0.1', requestId: 'gen-e2e' };
const USER = { id: 'gen-e2e', username: 'dm.generator', roles: ['data_manager'] } as unknown as AuthenticatedUser;

/** A rules recipe for the default study, with errors capture refuses (so some records are never stored). */
function recipe(input: GenerationParametersInput): Recipe {
  const design = defaultDesign('DEFAULT');
  return { method: 'rules', parameters: withDefaults('rules', { seed: 11, missing_rate: 0.1, errors: { swapped_bp: 0.05, unit_flip: 0.03 }, ...input }, design), design };
}

/** The status, with the body's message beside it so that a failure shows what the platform said. */
function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, message: response.body?.message }).toEqual({ status, message: response.body?.message });
}

/** The in-process DatasetJobs: the one app in all-in-one mode, the generation service's app in split mode (apps in SERVICES order). */
function datasetJobsOf(platform: PlatformUnderTest): DatasetJobs {
  const app: INestApplication = platform.mode === 'split' ? platform.apps[SERVICES.findIndex((service) => service.prefix === 'generation')] : platform.apps[0];
  return app.get(DatasetJobs, { strict: false });
}

describe.each(['all-in-one', 'split'] as const)('generated datasets stored in the EDC (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let jobs: DatasetJobs;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    jobs = datasetJobsOf(platform);
  });
  afterAll(() => platform?.close());

  const count = async (view: string, datasetId: string): Promise<number> =>
    (await platform.database!.admin(`SELECT count(*)::int AS n FROM ${view} WHERE dataset_id = $1`, [datasetId])).rows[0].n;

  /** Polls the job through the API until it has finished. */
  async function finished(id: string): Promise<Response> {
    return eventually(
      async () => {
        const job = await platform.admin.get(`/generation/jobs/${id}`);
        expectStatus(job, 200);
        return ['stored', 'failed', 'cancelled'].includes(job.body.state) ? job : undefined;
      },
      60_000,
      100,
    );
  }

  describe('a dataset that the EDC accepts', () => {
    let id: string;
    let job: Response;
    let dataset: Response;

    beforeAll(async () => {
      const queued = await jobs.enqueue(USER, ACTOR, recipe({ n_total: 60, first_subject_number: 101 }));
      id = queued.id;
      expect(queued).toMatchObject({ id, dataset_id: id, state: 'queued', percent: 0, rows_written: 0, subjects_total: 60, rows_total: 240 });
      job = await finished(id);
      dataset = await platform.admin.get(`/generation/datasets/${id}`);
      expectStatus(dataset, 200);
    });

    it('is stored: the job answers 100 percent, the records stored and when it ran', () => {
      expect(job.body).toMatchObject({ id, dataset_id: id, state: 'stored', percent: 100, subjects_written: 60, subjects_total: 60, error: null, attempts: 1 });
      expect(job.body.rows_written).toBe(job.body.rows_total);
      expect(Date.parse(job.body.finished_at)).toBeGreaterThanOrEqual(Date.parse(job.body.started_at));
    });

    it('puts exactly the storable part of the dataset in the EDC, tagged with the dataset id', async () => {
      const counts = dataset.body.counts;
      expect(counts.not_storable_records).toBeGreaterThan(0);
      expect(await count('edc_subjects', id)).toBe(counts.subjects);
      expect(await count('edc_vitals', id)).toBe(counts.records - counts.not_storable_records);
      expect(await count('edc_adverse_events', id)).toBe(counts.adverse_events);
      expect(job.body.rows_written).toBe(counts.records - counts.not_storable_records);
    });

    it('is audited as one event for the whole dataset, carrying its content hash and the requester', async () => {
      const { rows } = await platform.database!.admin(`SELECT action, username, changes FROM audit_events WHERE entity_type = 'dataset' AND entity_id = $1`, [id]);
      expect(rows).toEqual([
        {
          action: 'generate',
          username: 'dm.generator',
          changes: expect.objectContaining({ content_hash: { old: null, new: dataset.body.content_hash }, method: { old: null, new: 'rules' }, seed: { old: null, new: 11 } }),
        },
      ]);
      expect(dataset.body.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('is audited with what it was made from: the sha256 of its stored recipe, the parameters, reference date and software version', async () => {
      const { rows } = await platform.database!.admin(
        `SELECT e.changes, 'sha256:' || encode(sha256(convert_to(d.recipe::text, 'UTF8')), 'hex') AS recipe_sha256
           FROM audit_events e JOIN generation_datasets d ON d.id::text = e.entity_id
          WHERE e.entity_type = 'dataset' AND e.action = 'generate' AND e.entity_id = $1`,
        [id],
      );
      expect(rows).toHaveLength(1);
      const { changes, recipe_sha256: recipeSha256 } = rows[0];
      expect(changes.recipe_sha256).toEqual({ old: null, new: recipeSha256 });
      expect(changes.parameters).toEqual({ old: null, new: dataset.body.parameters });
      expect(changes.reference_date).toEqual({ old: null, new: dataset.body.manifest.reference_date });
      expect(changes.software_version).toEqual({ old: null, new: dataset.body.manifest.software_version });
      expect(dataset.body.manifest.software_version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('shows its parameters, counts and manifest (without the long lists: the JSON export has them)', () => {
      expect(dataset.body).toMatchObject({ id, protocol_id: 'DEFAULT', method: 'rules', state: 'stored', seed: 11, subjects: 60, requested_by: 'dm.generator', source: null });
      expect(dataset.body.parameters).toMatchObject({ n_total: 60, first_subject_number: 101, seed: 11 });
      expect(dataset.body.manifest).toMatchObject({ content_hash: dataset.body.content_hash, counts: dataset.body.counts });
      expect(dataset.body.manifest).not.toHaveProperty('injected_errors');
      expect(dataset.body.job).toEqual(job.body);
    });

    it('is listed, newest first, in pages', async () => {
      const listed = await platform.admin.get('/generation/datasets?limit=1');
      expectStatus(listed, 200);
      expect(listed.body.page).toMatchObject({ limit: 1, offset: 0 });
      expect(listed.body.page.total).toBeGreaterThanOrEqual(1);
      const all = await platform.admin.get('/generation/datasets?limit=500');
      expect(all.body.data).toContainEqual(expect.objectContaining({ id, state: 'stored', content_hash: dataset.body.content_hash }));
    });

    it('exports as CSV, the same bytes every time, with every record: those stored and those capture refused', async () => {
      const first = await platform.admin.get(`/generation/datasets/${id}/export?format=csv`).buffer(true);
      const second = await platform.admin.get(`/generation/datasets/${id}/export?format=csv&table=vitals`).buffer(true);
      expectStatus(first, 200);
      expect(first.headers['content-type']).toMatch(/^text\/csv/);
      expect(first.headers['content-disposition']).toBe(`attachment; filename="dataset-${id.slice(0, 8)}-vitals.csv"`);
      expect(second.text).toBe(first.text);
      const lines = first.text.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^SubjectID,VisitName,TreatmentArm,SystolicBP,DiastolicBP/);
      expect(lines).toHaveLength(1 + dataset.body.counts.records);
      const exported = new Set(lines.slice(1).map((line) => line.split(',').slice(0, 4).join(',')));
      const { rows } = await platform.database!.admin(
        `SELECT subject_number || ',' || visit_name || ',' || treatment_arm || ',' || systolic_bp AS key FROM edc_vitals WHERE dataset_id = $1`,
        [id],
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((row) => !exported.has(row.key))).toEqual([]);
    });

    it('exports its adverse events and subjects as CSV tables of their own', async () => {
      const events = await platform.admin.get(`/generation/datasets/${id}/export?format=csv&table=adverse_events`).buffer(true);
      expectStatus(events, 200);
      expect(events.text.trimEnd().split('\n')).toHaveLength(1 + dataset.body.counts.adverse_events);
      const subjects = await platform.admin.get(`/generation/datasets/${id}/export?table=subjects`).buffer(true);
      expect(subjects.text.trimEnd().split('\n')).toHaveLength(61);
      expect(subjects.headers['content-disposition']).toContain('-subjects.csv');
    });

    it("exports as JSON in the preview's shape, the same bytes every time, with the whole manifest", async () => {
      const first = await platform.admin.get(`/generation/datasets/${id}/export?format=json`).buffer(true);
      const second = await platform.admin.get(`/generation/datasets/${id}/export?format=json`).buffer(true);
      expectStatus(first, 200);
      expect(first.headers['content-type']).toMatch(/^application\/json/);
      expect(first.headers['content-disposition']).toBe(`attachment; filename="dataset-${id.slice(0, 8)}.json"`);
      expect(second.text).toBe(first.text);
      const body = JSON.parse(first.text);
      expect(Object.keys(body)).toEqual(['records', 'adverse_events', 'subjects', 'manifest']);
      expect(body.records).toHaveLength(dataset.body.counts.records);
      expect(body.subjects).toHaveLength(60);
      expect(body.manifest.content_hash).toBe(dataset.body.content_hash);
      expect(body.manifest.injected_errors.length).toBe(dataset.body.counts.injected_errors);
      const { injected_errors: _injected, omissions: _omissions, ...shortManifest } = body.manifest;
      expect(JSON.stringify(shortManifest)).toBe(JSON.stringify(dataset.body.manifest));
    });

    it('cannot be cancelled once stored (409, saying why)', async () => {
      const cancel = await platform.admin.delete(`/generation/jobs/${id}`);
      expectStatus(cancel, 409);
      expect(cancel.body.message).toBe(`Job ${id} is stored already: only a queued or running job can be cancelled`);
      expect(await count('edc_subjects', id)).toBe(60);
    });
  });

  it("fails, storing nothing, with the EDC contract's own message when its subject numbers are in the study already", async () => {
    const first = await jobs.enqueue(USER, ACTOR, recipe({ n_total: 5, first_subject_number: 501 }));
    expect((await finished(first.id)).body.state).toBe('stored');
    const again = await jobs.enqueue(USER, ACTOR, recipe({ n_total: 8, first_subject_number: 501 }));
    const job = await finished(again.id);
    expect(job.body).toMatchObject({ state: 'failed', percent: 0, rows_written: 0, subjects_written: 0 });
    expect(job.body.error).toMatch(/subject number\(s\) of the dataset exist already in study DEFAULT .*nothing was stored/);
    expect(await count('edc_subjects', again.id)).toBe(0);
    expect(await count('edc_vitals', again.id)).toBe(0);
    // Nothing stored, so no 'generate'; the failure itself is audited, in the requester's name, with the contract's message.
    const { rows } = await platform.database!.admin(`SELECT action, username, changes FROM audit_events WHERE entity_type = 'dataset' AND entity_id = $1`, [again.id]);
    expect(rows).toEqual([{ action: 'generate_failed', username: 'dm.generator', changes: { state: { old: 'running', new: 'failed' }, error: { old: null, new: job.body.error } } }]);
  });

  it('refuses (409) to export a dataset stored by another platform version, whose generators may give other bytes', async () => {
    const older = await jobs.enqueue(USER, ACTOR, recipe({ n_total: 3, first_subject_number: 701 }));
    expect((await finished(older.id)).body.state).toBe('stored');
    const running = (await platform.admin.get(`/generation/datasets/${older.id}`)).body.manifest.software_version as string;
    // As if stored by an older release (the row's guard refuses this to anyone who does not switch triggers off).
    await platform.database!.admin(`
      SET session_replication_role = replica;
      UPDATE generation_datasets SET manifest = json_build_object('software_version', '0.0.1', 'content_hash', content_hash) WHERE id = '${older.id}';
      SET session_replication_role = origin`);
    for (const format of ['json', 'csv']) {
      const exported = await platform.admin.get(`/generation/datasets/${older.id}/export?format=${format}`);
      expectStatus(exported, 409);
      expect(exported.body.message).toBe(
        `dataset ${older.id} was made by version 0.0.1; this platform is version ${running}, whose generators may give other bytes: ` +
          'export it with version 0.0.1 (npm run generate with the stored parameters)',
      );
    }
  });

  it('stores through POST /generation/generate/rules with "store": true, and exports byte for byte the preview of the same parameters', async () => {
    const parameters = { n_total: 6, first_subject_number: 601, seed: 3, errors: { swapped_bp: 0.1 } };
    const accepted = await platform.admin.post('/generation/generate/rules').send({ ...parameters, store: true });
    expectStatus(accepted, 202);
    expect(accepted.headers.location).toBe(`/generation/jobs/${accepted.body.id}`);
    expect((await finished(accepted.body.id)).body.state).toBe('stored');
    const previewed = await platform.admin.post('/generation/generate/rules').send(parameters);
    expectStatus(previewed, 200);
    const exported = await platform.admin.get(`/generation/datasets/${accepted.body.id}/export?format=json`).buffer(true);
    expect(exported.text).toBe(previewed.text);
  });

  it('answers 404 for a job or dataset it does not have, and 400 for an id that is not a UUID', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectStatus(await platform.admin.get(`/generation/jobs/${unknown}`), 404);
    expectStatus(await platform.admin.delete(`/generation/jobs/${unknown}`), 404);
    expectStatus(await platform.admin.get(`/generation/datasets/${unknown}`), 404);
    expectStatus(await platform.admin.get(`/generation/datasets/${unknown}/export`), 404);
    expectStatus(await platform.admin.get('/generation/jobs/not-a-uuid'), 400);
    expectStatus(await platform.admin.get(`/generation/datasets/${unknown}/export?format=xml`), 400);
  });
});
