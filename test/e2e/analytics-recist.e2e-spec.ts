import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * Objective response rates on simulated RECIST responses through the gateway: every answer is
 * labelled simulated; the same seed and input give the same answer, another seed other counts;
 * counts add up to n; each ORR, its Wilson interval and the two-proportion test equal an
 * independent computation from the reported counts; over stored data, one response per subject by
 * its arm (a site-limited reader's subjects only, said so); every bad body is refused with why.
 */

interface Arm {
  arm: string;
  model: { cr: number; pr: number; sd: number; pd: number };
  n: number;
  counts: { CR: number; PR: number; SD: number; PD: number };
  responders: number;
  orr: number | null;
  orr_ci_lower: number | null;
  orr_ci_upper: number | null;
}

interface Comparison {
  arm: string;
  reference_arm: string;
  difference: number | null;
  se: number | null;
  ci_lower: number | null;
  ci_upper: number | null;
  z: number | null;
  p_value: number | null;
  not_computed: string | null;
}

interface Recist {
  simulated: boolean;
  note: string;
  seed: number;
  source: string;
  study: string | null;
  reference_arm: string;
  arms: Arm[];
  comparisons: Comparison[];
  meta: { scope: { study: string; sites: string[] | 'all'; site_limited: boolean; note: string | null } | null; records_used: number; computed_at: string; cached: boolean };
}

const Z95 = normalQuantile(0.975, 0, 1);

function expectClose(actual: number | null, expected: number, what: string): void {
  if (actual === null || !(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)))) throw new Error(`${what}: ${actual} is not ${expected}`);
}

/** Each figure recomputed here from the reported counts: Wilson interval, Wald difference interval, pooled z test. */
function expectFiguresFromCounts(answer: Recist): void {
  for (const arm of answer.arms) {
    expect(arm.counts.CR + arm.counts.PR + arm.counts.SD + arm.counts.PD).toBe(arm.n);
    expect(arm.responders).toBe(arm.counts.CR + arm.counts.PR);
    if (arm.n === 0) continue;
    const p = arm.responders / arm.n;
    expectClose(arm.orr, p, `${arm.arm} orr`);
    const centre = (p + (Z95 * Z95) / (2 * arm.n)) / (1 + (Z95 * Z95) / arm.n);
    const half = (Z95 * Math.sqrt((p * (1 - p)) / arm.n + (Z95 * Z95) / (4 * arm.n * arm.n))) / (1 + (Z95 * Z95) / arm.n);
    expectClose(arm.orr_ci_lower, arm.responders === 0 ? 0 : centre - half, `${arm.arm} ci lower`);
    expectClose(arm.orr_ci_upper, arm.responders === arm.n ? 1 : centre + half, `${arm.arm} ci upper`);
  }
  const reference = answer.arms.find((arm) => arm.arm === answer.reference_arm)!;
  expect(answer.comparisons.map((comparison) => comparison.arm)).toEqual(answer.arms.filter((arm) => arm !== reference).map((arm) => arm.arm));
  for (const comparison of answer.comparisons) {
    const arm = answer.arms.find((entry) => entry.arm === comparison.arm)!;
    const [p1, p2] = [arm.responders / arm.n, reference.responders / reference.n];
    const pooled = (arm.responders + reference.responders) / (arm.n + reference.n);
    const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / arm.n + 1 / reference.n));
    const se = Math.sqrt((p1 * (1 - p1)) / arm.n + (p2 * (1 - p2)) / reference.n);
    expect(comparison.reference_arm).toBe(reference.arm);
    expectClose(comparison.difference, p1 - p2, 'difference');
    expectClose(comparison.se, se, 'se');
    expectClose(comparison.ci_lower, p1 - p2 - Z95 * se, 'ci lower');
    expectClose(comparison.ci_upper, p1 - p2 + Z95 * se, 'ci upper');
    expectClose(comparison.z, z, 'z');
    expectClose(comparison.p_value, 2 * normalCdf(-Math.abs(z), 0, 1), 'p');
  }
}

const withoutTime = (answer: Recist) => ({ ...answer, meta: { ...answer.meta, computed_at: undefined } });

describe('simulated RECIST response rates (all-in-one mode)', () => {
  let platform: PlatformUnderTest;
  let statistician: Client;
  let monitorOfS02: Client;
  const protocolId = newSubjectId('RECIST');

  const recist = async (client: Client, body: Record<string, unknown>, status = 200): Promise<Recist> => {
    const response = await client.post('/analytics/stats/recist').send(body);
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    return response.body as Recist;
  };

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
    statistician = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('stat'), roles: ['statistician'] })).client;
    monitorOfS02 = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('mon-s02'), roles: ['monitor'], site_ids: ['S02'] })).client;
    const study = await platform.admin.post('/edc/studies').send({
      protocol_id: protocolId,
      title: 'Oncology study',
      baseline_visit: 'Baseline',
      sites: [{ site_id: 'S01', name: 'Oslo' }, { site_id: 'S02', name: 'Bergen' }],
      arms: [{ arm_code: 'Placebo', allocation_ratio: 1 }, { arm_code: 'Active', allocation_ratio: 2 }],
      schedule: [{ visit_name: 'Baseline', planned_day: 1 }],
    });
    expect({ status: study.status, body: study.body }).toMatchObject({ status: 201 });
    // S01: 5 Active, 3 Placebo; S02: 2 Active, 1 Placebo.
    const subjects: Array<[string, string]> = [
      ...Array.from({ length: 5 }, (): [string, string] => ['S01', 'Active']),
      ...Array.from({ length: 3 }, (): [string, string] => ['S01', 'Placebo']),
      ['S02', 'Active'],
      ['S02', 'Active'],
      ['S02', 'Placebo'],
    ];
    const records = subjects.map(([site, arm], index) =>
      vitalRecord({ ProtocolID: protocolId, SubjectID: `${site}-${String(index + 1).padStart(3, '0')}`, SiteID: site, TreatmentArm: arm, VisitName: 'Baseline' }),
    );
    const stored = await platform.admin.post('/edc/store-vitals').send({ records });
    expect({ status: stored.status, body: stored.body }).toMatchObject({ status: 201 });
  });
  afterAll(() => platform?.close());

  describe('without stored data (subjects_per_arm)', () => {
    it('labels the answer simulated, simulates Placebo and Active by default with ORR 0.15 and 0.35, and compares Active with Placebo', async () => {
      const answer = await recist(statistician, { seed: 11, subjects_per_arm: 200 });
      expect(answer).toMatchObject({ simulated: true, seed: 11, source: 'subjects_per_arm', study: null, reference_arm: 'Placebo' });
      expect(answer.note).toMatch(/^SIMULATED: .*not captured/);
      expect(answer.arms.map((arm) => [arm.arm, arm.n])).toEqual([['Placebo', 200], ['Active', 200]]);
      expect(answer.arms[0].model.cr + answer.arms[0].model.pr).toBeCloseTo(0.15, 12);
      expect(answer.arms[1].model.cr + answer.arms[1].model.pr).toBeCloseTo(0.35, 12);
      expect(answer.meta).toMatchObject({ scope: null, records_used: 0, cached: false });
      expectFiguresFromCounts(answer);
    });

    it('gives the same answer for the same seed and input, and other counts for another seed', async () => {
      const body = { seed: 20260514, subjects_per_arm: 150 };
      const first = await recist(statistician, body);
      const again = await recist(statistician, body);
      expect(withoutTime(again)).toEqual(withoutTime(first));
      const other = await recist(statistician, { ...body, seed: 20260515 });
      expect(other.arms.map((arm) => arm.counts)).not.toEqual(first.arms.map((arm) => arm.counts));
      expectFiguresFromCounts(other);
    });

    it("keeps an arm's responses when only another arm's rates change", async () => {
      const first = await recist(statistician, { seed: 5, subjects_per_arm: 80, response_rates: [{ arm: 'Placebo', orr: 0.1 }, { arm: 'Active', orr: 0.4 }] });
      const second = await recist(statistician, { seed: 5, subjects_per_arm: 80, response_rates: [{ arm: 'Placebo', orr: 0.1 }, { arm: 'Active', orr: 0.6 }] });
      expect(second.arms[0].counts).toEqual(first.arms[0].counts);
    });

    it('draws from the rates given: every Active subject a complete response, no Placebo subject a response', async () => {
      const answer = await recist(statistician, {
        seed: 3,
        subjects_per_arm: 40,
        response_rates: [{ arm: 'Placebo', orr: 0, sd: 1 }, { arm: 'Active', cr: 1, pr: 0 }],
      });
      expect(answer.arms.map((arm) => [arm.arm, arm.counts])).toEqual([
        ['Placebo', { CR: 0, PR: 0, SD: 40, PD: 0 }],
        ['Active', { CR: 40, PR: 0, SD: 0, PD: 0 }],
      ]);
      expect(answer.comparisons[0]).toMatchObject({ arm: 'Active', reference_arm: 'Placebo', difference: 1, ci_lower: null, ci_upper: null });
      expect(answer.comparisons[0].not_computed).toMatch(/Wald interval/);
      // Pooled proportion 1/2: z = 1 / sqrt(0.25 · (1/40 + 1/40)).
      const z = 1 / Math.sqrt(0.25 * (2 / 40));
      expectClose(answer.comparisons[0].z, z, 'z');
      expectClose(answer.comparisons[0].p_value, 2 * normalCdf(-z, 0, 1), 'p');
    });
  });

  describe('over stored subjects', () => {
    it("simulates one response per stored subject by its arm, in the study's arm order", async () => {
      const answer = await recist(statistician, { study: protocolId, seed: 9 });
      expect(answer).toMatchObject({ simulated: true, source: 'stored_subjects', study: protocolId, reference_arm: 'Placebo' });
      expect(answer.arms.map((arm) => [arm.arm, arm.n])).toEqual([['Placebo', 4], ['Active', 7]]);
      expect(answer.meta).toMatchObject({ records_used: 11, scope: { study: protocolId, sites: 'all', site_limited: false } });
      expectFiguresFromCounts(answer);
      expect(withoutTime(await recist(statistician, { study: protocolId, seed: 9 }))).toEqual(withoutTime(answer));
    });

    it("gives a site-limited monitor their site's subjects only, and says so; another site is not found", async () => {
      const answer = await recist(monitorOfS02, { study: protocolId, seed: 9 });
      expect(answer.arms.map((arm) => [arm.arm, arm.n])).toEqual([['Placebo', 1], ['Active', 2]]);
      expect(answer.meta.scope).toMatchObject({ sites: ['S02'], site_limited: true, note: expect.stringContaining('S02') });
      expect((await monitorOfS02.post('/analytics/stats/recist').send({ study: protocolId, site: 'S01', seed: 9 })).status).toBe(404);
    });

    it('refuses rates for an arm the study does not have, naming its arms', async () => {
      const response = await statistician.post('/analytics/stats/recist').send({ study: protocolId, seed: 1, response_rates: [{ arm: 'Rescue', orr: 0.2 }] });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/Rescue, not an arm of study .*its arms: Placebo, Active/);
    });
  });

  it.each([
    [{ subjects_per_arm: 10 }, /seed/],
    [{ seed: 1.5, subjects_per_arm: 10 }, /seed: must be a whole number/],
    [{ seed: -1, subjects_per_arm: 10 }, /seed: must be from 0/],
    [{ seed: 1, subjects_per_arm: 0 }, /subjects_per_arm: must be from 1 to 100000/],
    [{ seed: 1, subjects_per_arm: 100_001 }, /subjects_per_arm: must be from 1 to 100000/],
    [{ seed: 1, subjects_per_arm: 10, study: 'RA001' }, /either subjects_per_arm .* or a stored scope/],
    [{ seed: 1, subjects_per_arm: 10, response_rates: [{ arm: 'Active', orr: 1.2 }] }, /response_rates\[0\]\.orr: must be a probability from 0 to 1/],
    [{ seed: 1, subjects_per_arm: 10, response_rates: [{ arm: 'Active', orr: 0.3, cr: 0.1 }] }, /either orr, or both cr and pr/],
    [{ seed: 1, subjects_per_arm: 10, response_rates: [{ arm: 'Active', cr: 0.5, pr: 0.4, sd: 0.3 }] }, /sum to at most 1/],
    [{ seed: 1, subjects_per_arm: 10, response_rates: [{ arm: 'Active', orr: 0.3 }, { arm: 'Active', orr: 0.4 }] }, /repeats arm Active/],
    [{ seed: 1, subjects_per_arm: 10, response_rates: [] }, /at least 1 arm/],
    [{ seed: 1, subjects_per_arm: 10, response_rates: [[{ arm: 'Active', orr: 0.4 }]] }, /each of response_rates must be an object/],
    [{ seed: 1, subjects_per_arm: 10, response_rates: [0.4] }, /each of response_rates must be an object/],
    [{ seed: 1, subjects_per_arm: 10, simulated: false }, /simulated/],
  ])('refuses %j with 400 saying why', async (body, message) => {
    const response = await statistician.post('/analytics/stats/recist').send(body);
    expect({ status: response.status, message: response.body.message }).toEqual({ status: 400, message: expect.stringMatching(message) });
  });
});
