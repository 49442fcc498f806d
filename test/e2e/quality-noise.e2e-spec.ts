import request from 'supertest';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * `POST /quality/simulate-noise`, through the gateway: the design's noise simulator for training
 * and testing. It answers simulated records and every change, the same for the same seed, and
 * stores nothing.
 */

const batch = (size: number, subject = 'RA001-001') =>
  Array.from({ length: size }, (_, index) =>
    vitalRecord({ SubjectID: subject, VisitName: `Visit ${index}`, SystolicBP: 110 + (index % 40), DiastolicBP: 70 + (index % 15), RespiratoryRate: 16 }),
  );

interface Change {
  index: number;
  field: string;
  kind: string;
  old: number;
  new: number;
}

describe('the noise simulator (all-in-one, through the gateway)', () => {
  let platform: PlatformUnderTest;
  let statistician: Client;
  let statisticianToken: string;
  let siteInvestigator: Client;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
    const created = await createUser(platform.baseUrl, platform.admin, { username: 'noise-statistician', roles: ['statistician'] });
    statistician = created.client;
    statisticianToken = created.session.accessToken;
    siteInvestigator = (await createUser(platform.baseUrl, platform.admin, { username: 'noise-investigator', roles: ['investigator'], site_ids: ['S01'] })).client;
  });
  afterAll(() => platform?.close());

  const simulate = (body: unknown, client: Client = platform.admin) => client.post('/quality/simulate-noise').send(body as object);

  /** Rows that a write of any kind would leave behind. */
  async function footprint(): Promise<Record<string, number>> {
    const { rows } = await platform.database!.admin(
      `SELECT (SELECT count(*) FROM audit_events)::int AS audit_events,
              (SELECT count(*) FROM edc_vitals)::int AS vitals,
              (SELECT count(*) FROM edc_subjects)::int AS subjects,
              (SELECT count(*) FROM quality_runs)::int AS runs,
              (SELECT count(*) FROM quality_findings)::int AS findings,
              (SELECT count(*) FROM quality_queries)::int AS queries`,
    );
    return rows[0];
  }

  it('answers the noisy records and every change, says they are simulated, and stores nothing', async () => {
    const subject = newSubjectId('NOISE');
    const records = batch(200, subject);
    const before = await footprint();
    const response = await simulate({ records, seed: 42, rates: { typo: 0.3, unit_flip: 0.2, scaling: 0.2 } }).expect(200);
    expect(response.body).toMatchObject({
      simulated: true,
      note: expect.stringMatching(/^Simulated noise for training and testing.*nothing was stored/),
      seed: 42,
      rates: { typo: 0.3, unit_flip: 0.2, scaling: 0.2 },
      records_received: 200,
    });
    const changes: Change[] = response.body.changes;
    expect(new Set(changes.map((change) => change.kind))).toEqual(new Set(['typo', 'unit_flip', 'scaling']));
    expect(response.body.records_changed).toBe(new Set(changes.map((change) => change.index)).size);
    // Replaying the listed changes on what was sent gives exactly the answer's records.
    const replayed = records.map((record) => ({ ...record }) as Record<string, unknown>);
    for (const change of changes) {
      expect(replayed[change.index][change.field]).toBe(change.old);
      replayed[change.index][change.field] = change.new;
    }
    expect(response.body.records).toEqual(replayed);
    expect(await footprint()).toEqual(before);
    await platform.admin.get(`/edc/patients/${subject}`).expect(404);
  });

  it('gives the same answer for the same seed, and another for another seed', async () => {
    const body = { records: batch(300), seed: 7, rates: { typo: 0.2, unit_flip: 0.1, scaling: 0.1 } };
    const first = await simulate(body).expect(200);
    const again = await simulate(body, statistician).expect(200);
    expect(again.body).toEqual(first.body);
    const other = await simulate({ ...body, seed: 8 }).expect(200);
    expect(other.body.changes).not.toEqual(first.body.changes);
  });

  it('takes the default rates (typo 0.05, unit_flip 0.02, scaling 0.02) for a kind left out', async () => {
    expect((await simulate({ records: batch(1), seed: 1 }).expect(200)).body.rates).toEqual({ typo: 0.05, unit_flip: 0.02, scaling: 0.02 });
    expect((await simulate({ records: batch(1), seed: 1, rates: { typo: 0.5 } }).expect(200)).body.rates).toEqual({ typo: 0.5, unit_flip: 0.02, scaling: 0.02 });
  });

  it('changes nothing at rates 0, and every record at a rate of 1', async () => {
    const records = batch(50);
    const none = await simulate({ records, seed: 3, rates: { typo: 0, unit_flip: 0, scaling: 0 } }).expect(200);
    expect(none.body).toMatchObject({ records, changes: [], records_changed: 0 });
    const flips = await simulate({ records, seed: 3, rates: { typo: 0, unit_flip: 1, scaling: 0 } }).expect(200);
    expect(flips.body.records_changed).toBe(50);
    expect(flips.body.changes[0]).toEqual({ index: 0, field: 'Temperature', kind: 'unit_flip', old: 36.8, new: 98.2 });
  });

  it('sends back values that are not numbers, and fields it does not know, as they came', async () => {
    const odd = { SubjectID: 'RA001-001', SystolicBP: '120', DiastolicBP: null, HeartRate: 'seventy', Temperature: '36.8', Comment: 'sent as text', Extra: { SystolicBP: 120 } };
    const response = await simulate({ records: [odd], seed: 5, rates: { typo: 1, unit_flip: 1, scaling: 1 } }).expect(200);
    expect(response.body).toMatchObject({ records: [odd], changes: [], records_changed: 0 });
  });

  it('treats keys such as __proto__ and constructor in a record as data, changing no prototype', async () => {
    const response = await request(platform.baseUrl)
      .post('/quality/simulate-noise')
      .set('Authorization', `Bearer ${statisticianToken}`)
      .set('Content-Type', 'application/json')
      .send('{"records":[{"SubjectID":"RA001-001","SystolicBP":120,"__proto__":{"SystolicBP":"polluted"},"constructor":{"prototype":{"polluted":true}}}],"seed":1,"rates":{"typo":1}}')
      .expect(200);
    expect(response.body.changes).toEqual([{ index: 0, field: 'SystolicBP', kind: 'typo', old: 120, new: expect.any(Number) }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).SystolicBP).toBeUndefined();
  });

  it('is open to every role, at any sites (it reads no stored data)', async () => {
    await simulate({ records: batch(2), seed: 1 }, siteInvestigator).expect(200);
    await simulate({ records: batch(2), seed: 1 }, statistician).expect(200);
  });

  it('is documented as simulated, tagged quality, with the answer it gives', async () => {
    const docs = await platform.admin.get('/docs-json').expect(200);
    const operation = docs.body.paths['/quality/simulate-noise'].post;
    expect(operation).toMatchObject({ operationId: 'simulateNoise', tags: ['quality'], summary: expect.stringMatching(/^SIMULATED DATA/) });
    const reference: string = operation.responses['200'].content['application/json'].schema.$ref;
    const schema = docs.body.components.schemas[reference.replace('#/components/schemas/', '')];
    const answer = await simulate({ records: batch(3), seed: 2 }).expect(200);
    expect(Object.keys(answer.body).sort()).toEqual(Object.keys(schema.properties).sort());
    expect([...schema.required].sort()).toEqual(Object.keys(schema.properties).sort());
  });

  it('answers 401 without a token', async () => {
    await request(platform.baseUrl).post('/quality/simulate-noise').send({ records: batch(1), seed: 1 }).expect(401);
  });

  it('takes a batch of 10,000 records', async () => {
    const response = await simulate({ records: batch(10_000), seed: 9 }).expect(200);
    expect(response.body.records).toHaveLength(10_000);
    expect(response.body.changes.length).toBeGreaterThan(500);
  });

  describe('refuses a malformed request with 400 naming the field', () => {
    it.each([
      ['an unknown field in the envelope', { records: batch(1), seed: 1, store: true }, 'store'],
      ['an unknown rate', { records: batch(1), seed: 1, rates: { typos: 0.1 } }, 'rates.typos'],
      ['records missing', { seed: 1 }, 'records'],
      ['records not a list', { records: { SubjectID: 'RA001-001' }, seed: 1 }, 'records'],
      ['an empty list', { records: [], seed: 1 }, 'records'],
      ['a record that is text', { records: [vitalRecord(), 'RA001-001'], seed: 1 }, 'records'],
      ['a record that is a list', { records: [[125, 80]], seed: 1 }, 'records'],
      ['a record that is null', { records: [null], seed: 1 }, 'records'],
      ['seed missing', { records: batch(1) }, 'seed'],
      ['seed as text', { records: batch(1), seed: '42' }, 'seed'],
      ['seed not whole', { records: batch(1), seed: 4.2 }, 'seed'],
      ['seed negative', { records: batch(1), seed: -1 }, 'seed'],
      ['seed too large', { records: batch(1), seed: 4_294_967_296 }, 'seed'],
      ['a rate above 1', { records: batch(1), seed: 1, rates: { typo: 1.5 } }, 'rates.typo'],
      ['a negative rate', { records: batch(1), seed: 1, rates: { scaling: -0.1 } }, 'rates.scaling'],
      ['a rate as text', { records: batch(1), seed: 1, rates: { unit_flip: '0.1' } }, 'rates.unit_flip'],
      ['a null rate', { records: batch(1), seed: 1, rates: { typo: null } }, 'rates.typo'],
      ['rates null', { records: batch(1), seed: 1, rates: null }, 'rates'],
      ['rates a list', { records: batch(1), seed: 1, rates: [0.1] }, 'rates'],
    ])('%s', async (_case, body, field) => {
      const response = await simulate(body).expect(400);
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
      expect(response.body.message).toContain(field);
    });

    it('more than 10,000 records', async () => {
      const response = await simulate({ records: batch(10_001), seed: 1 }).expect(400);
      expect(response.body.message).toContain('records: must hold at most 10000 records');
    });

    it('broken JSON', async () => {
      await request(platform.baseUrl)
        .post('/quality/simulate-noise')
        .set('Authorization', `Bearer ${statisticianToken}`)
        .set('Content-Type', 'application/json')
        .send('{"records": [{"SystolicBP": 120}], "seed": ')
        .expect(400);
    });

    it('a body that is not JSON (415)', async () => {
      await request(platform.baseUrl).post('/quality/simulate-noise').set('Authorization', `Bearer ${statisticianToken}`).set('Content-Type', 'text/plain').send('records=1').expect(415);
    });
  });
});
