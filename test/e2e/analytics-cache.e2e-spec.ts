import type { Response } from 'supertest';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { eventually } from '../support/wait.js';

function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, body: response.status === status ? undefined : response.body }).toEqual({ status, body: undefined });
}

/**
 * Statistics cached before a generated dataset is stored in the study are not served after it:
 * the EDC's bulk load records its invalidations in SQL, in its transaction, and they reach the
 * cache whether it is Redis or the in-process cache of the embedded default.
 */
describe.each([
  ['Redis', {}],
  ['the in-process cache', { REDIS_URL: undefined }],
])('statistics after a bulk load of generated data (%s)', (_cache, settings) => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', settings);
  });
  afterAll(() => platform?.close());

  it('are computed again once the dataset is stored', async () => {
    const empty = await platform.admin.get('/analytics/stats/descriptive?study=DEFAULT');
    expectStatus(empty, 200);
    expect(empty.body.meta).toMatchObject({ records_used: 0, cached: false });
    expect((await platform.admin.get('/analytics/stats/descriptive?study=DEFAULT')).body.meta).toMatchObject({ records_used: 0, cached: true });

    const queued = await platform.admin.post('/generation/generate/rules').send({ n_total: 10, seed: 3, store: true });
    expectStatus(queued, 202);
    await eventually(async () => ((await platform.admin.get(`/generation/jobs/${queued.body.id}`)).body.state === 'stored' ? true : undefined), 60_000, 100);
    const { rows } = await platform.database!.admin(`SELECT count(*)::int AS n FROM edc_vitals WHERE protocol_id = 'DEFAULT'`);
    expect(rows[0].n).toBeGreaterThan(0);

    const stored = await platform.admin.get('/analytics/stats/descriptive?study=DEFAULT');
    expectStatus(stored, 200);
    expect(stored.body.meta).toMatchObject({ records_used: rows[0].n, cached: false });
  }, 120_000);
});
