import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId } from '../support/vitals-fixtures.js';

/**
 * The statistics through the gateway, on a small stored study with known values: every figure of
 * the descriptive tables, change from baseline, the Welch tests and the ANCOVA equals an
 * independent computation here (two-pass means and SDs, interpolated quartiles, the ANCOVA as a
 * least-squares fit of the full design matrix, distributions from @stdlib). A site-limited reader
 * gets their sites' figures only and is told so; results are cached and never stale after a write;
 * the Week 12 test gives the same over records sent as over the same records stored; and every
 * refused request says why. Each subject counts once per visit, with its earliest record there
 * (as for its baseline); subjects without an arm are left out of every table and test, and counted.
 */

type Vital = 'systolic_bp' | 'diastolic_bp' | 'heart_rate' | 'temperature';
const VITALS: Vital[] = ['systolic_bp', 'diastolic_bp', 'heart_rate', 'temperature'];
const FIELD: Record<Vital, string> = { systolic_bp: 'SystolicBP', diastolic_bp: 'DiastolicBP', heart_rate: 'HeartRate', temperature: 'Temperature' };
const SCHEDULE = ['Screening', 'Day 1', 'Week 4', 'Week 12'];
const POST_BASELINE = ['Week 4', 'Week 12'];

interface StoredRecord {
  ProtocolID: string;
  SubjectID: string;
  SiteID: string;
  TreatmentArm: string;
  VisitName: string;
  VisitDate: string;
  MeasurementTime: string;
  SystolicBP: number;
  DiastolicBP: number;
  HeartRate: number;
  Temperature: number;
}

interface Cell {
  vital: Vital;
  arm: string;
  visit: string;
  n: number;
  mean: number | null;
  sd: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
  min: number | null;
  max: number | null;
}

interface Welch {
  arm: string;
  reference: string;
  difference: number | null;
  se: number | null;
  df: number | null;
  t: number | null;
  ci_lower: number | null;
  ci_upper: number | null;
  p_value: number | null;
}

interface VisitComparison {
  vital: Vital;
  visit: string;
  values: { arms: Array<{ arm: string; n: number; mean: number; sd: number }>; comparisons: Welch[] };
  change_from_baseline: { arms: Array<{ arm: string; n: number; mean: number; sd: number }>; comparisons: Welch[] };
  ancova: {
    reference: string;
    n: number;
    slope: number;
    df_residual: number;
    adjusted_means: Array<{ group: string; adjusted_mean: number }>;
    comparisons: Array<{ group: string; difference: number; se: number; ci_lower: number; ci_upper: number; t: number; df: number; p_value: number }>;
    group_effect: { f: number; df1: number; df2: number; p_value: number };
    not_computed: string | null;
  };
}

/** Relative closeness (absolute near 0): the database's float8 sums against two-pass sums here. */
function expectClose(actual: number | null | undefined, expected: number | null, what: string, relative = 1e-9): void {
  if (expected === null) {
    expect({ what, actual }).toEqual({ what, actual: null });
    return;
  }
  expect(typeof actual).toBe('number');
  const tolerance = Math.max(Math.abs(expected) * relative, 1e-12);
  if (!(Math.abs((actual as number) - expected) <= tolerance)) throw new Error(`${what}: ${actual} is not ${expected} (±${tolerance})`);
}

// ---- the independent computation -------------------------------------------------------------

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number | null => {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};
/** Linear interpolation between order statistics at p·(n − 1): what percentile_cont does. */
const quantile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
};
const summarize = (xs: number[]) => ({
  n: xs.length,
  mean: mean(xs),
  sd: sd(xs),
  median: quantile(xs, 0.5),
  q1: quantile(xs, 0.25),
  q3: quantile(xs, 0.75),
  min: Math.min(...xs),
  max: Math.max(...xs),
});

interface Observation {
  subject: string;
  arm: string;
  visit: string;
  vital: Vital;
  value: number;
  baseline?: number;
}

/** Each subject's earliest record at each visit (by measurement time, then visit date): the one that counts. */
function firsts(records: StoredRecord[]): StoredRecord[] {
  const first = new Map<string, StoredRecord>();
  for (const r of records) {
    const key = `${r.SubjectID} ${r.VisitName}`;
    const known = first.get(key);
    if (!known || r.MeasurementTime < known.MeasurementTime || (r.MeasurementTime === known.MeasurementTime && r.VisitDate < known.VisitDate)) first.set(key, r);
  }
  return records.filter((r) => first.get(`${r.SubjectID} ${r.VisitName}`) === r);
}

function observations(records: StoredRecord[]): Observation[] {
  return firsts(records).flatMap((r) => VITALS.map((vital) => ({ subject: r.SubjectID, arm: r.TreatmentArm, visit: r.VisitName, vital, value: r[FIELD[vital] as keyof StoredRecord] as number })));
}

/** Each subject's earliest Day 1 measurement, per vital; change = value − it, at Week 4 and Week 12. */
function changes(records: StoredRecord[]): Observation[] {
  const baseline = new Map<string, StoredRecord>();
  for (const r of records.filter((r) => r.VisitName === 'Day 1')) {
    const known = baseline.get(r.SubjectID);
    if (!known || r.MeasurementTime < known.MeasurementTime) baseline.set(r.SubjectID, r);
  }
  return observations(records.filter((r) => POST_BASELINE.includes(r.VisitName) && baseline.has(r.SubjectID))).map((o) => {
    const base = baseline.get(o.subject)![FIELD[o.vital] as keyof StoredRecord] as number;
    return { ...o, value: o.value - base, baseline: base };
  });
}

function table(obs: Observation[], visits: string[]): Cell[] {
  const cells: Cell[] = [];
  for (const vital of VITALS) {
    for (const visit of visits) {
      for (const arm of ['Active', 'Placebo']) {
        const xs = obs.filter((o) => o.vital === vital && o.visit === visit && o.arm === arm).map((o) => o.value);
        if (xs.length > 0) cells.push({ vital, arm, visit, ...summarize(xs) });
      }
    }
  }
  return cells;
}

function welch(a: number[], b: number[]) {
  const va = sd(a)! ** 2 / a.length;
  const vb = sd(b)! ** 2 / b.length;
  const se = Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const difference = mean(a) - mean(b);
  const t = difference / se;
  const q = tQuantile(0.975, df);
  return { difference, se, df, t, ci_lower: difference - q * se, ci_upper: difference + q * se, p_value: 2 * tCdf(-Math.abs(t), df) };
}

/** Solves A·x = b by Gauss–Jordan elimination with partial pivoting; also returns A⁻¹. */
function solve(a: number[][], b: number[]): { x: number[]; inverse: number[][] } {
  const n = a.length;
  const m = a.map((row, i) => [...row, b[i], ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) pivot = row;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    const p = m[col][col];
    for (let k = 0; k < m[col].length; k++) m[col][k] /= p;
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = m[row][col];
      for (let k = 0; k < m[row].length; k++) m[row][k] -= factor * m[col][k];
    }
  }
  return { x: m.map((row) => row[n]), inverse: m.map((row) => row.slice(n + 1)) };
}

/** change = b0 + b1·[Active] + b2·baseline by least squares over the full design matrix. */
function ancovaByLeastSquares(obs: Observation[]) {
  const rows = obs.map((o) => [1, o.arm === 'Active' ? 1 : 0, o.baseline!]);
  const y = obs.map((o) => o.value);
  const xtx = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
  const xty = [0, 1, 2].map((i) => rows.reduce((s, r, k) => s + r[i] * y[k], 0));
  const { x: beta, inverse } = solve(xtx, xty);
  const sse = rows.reduce((s, r, k) => s + (y[k] - (beta[0] + beta[1] * r[1] + beta[2] * r[2])) ** 2, 0);
  const df = obs.length - 3;
  const mse = sse / df;
  const se = Math.sqrt(mse * inverse[1][1]);
  const t = beta[1] / se;
  const q = tQuantile(0.975, df);
  return { difference: beta[1], slope: beta[2], se, df, t, ci_lower: beta[1] - q * se, ci_upper: beta[1] + q * se, p_value: 2 * tCdf(-Math.abs(t), df), f: t * t };
}

// ---- the study ---------------------------------------------------------------------------------

/** A reproducible sequence in [0, 1) (a plain LCG), so the data are the same in every run. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function studyRecords(protocolId: string): StoredRecord[] {
  const next = sequence(20261126);
  const noise = (spread: number) => Math.round((next() - 0.5) * 2 * spread);
  const records: StoredRecord[] = [];
  const subjects = ['S01', 'S02'].flatMap((site) => [1, 2, 3, 4, 5, 6].map((seq) => ({ site, id: `${site}-00${seq}`, arm: seq % 2 === 0 ? 'Placebo' : 'Active' })));
  for (const subject of subjects) {
    const start = 128 + noise(12);
    SCHEDULE.forEach((visit, index) => {
      // S02-006 missed Day 1: no change from baseline for that subject.
      if (subject.id === 'S02-006' && visit === 'Day 1') return;
      const effect = subject.arm === 'Active' ? -4 * index : -1 * index;
      const day = String(1 + index * 7).padStart(2, '0');
      const systolic = start + effect + noise(6);
      records.push({
        ProtocolID: protocolId,
        SubjectID: subject.id,
        SiteID: subject.site,
        TreatmentArm: subject.arm,
        VisitName: visit,
        VisitDate: `2026-03-${day}`,
        MeasurementTime: `2026-03-${day}T09:00:00Z`,
        SystolicBP: systolic,
        DiastolicBP: systolic - 45 + noise(5),
        HeartRate: 70 + noise(8),
        Temperature: Math.round((36.6 + noise(4) / 10) * 10) / 10,
      });
    });
  }
  // S01-001 measured twice at Day 1: the earlier one (08:00) is its baseline.
  const first = records.find((r) => r.SubjectID === 'S01-001' && r.VisitName === 'Day 1')!;
  records.push({ ...first, MeasurementTime: '2026-03-08T11:30:00Z', SystolicBP: first.SystolicBP + 9, HeartRate: first.HeartRate + 5 });
  first.MeasurementTime = '2026-03-08T08:00:00Z';
  // A visit the schedule does not have: listed last in the values table, never in change from baseline.
  records.push({ ...first, VisitName: 'Unscheduled', MeasurementTime: '2026-03-10T09:00:00Z', VisitDate: '2026-03-10' });
  // S01-003 (Active) measured again later at Week 12, much higher: it still counts once, with its first value.
  const week12 = records.find((r) => r.SubjectID === 'S01-003' && r.VisitName === 'Week 12')!;
  records.push({ ...week12, MeasurementTime: '2026-03-22T16:00:00Z', SystolicBP: week12.SystolicBP + 40, DiastolicBP: week12.DiastolicBP + 20, HeartRate: week12.HeartRate + 30 });
  return records;
}

const week12Body = (records: StoredRecord[]) => records.filter((r) => r.VisitName === 'Week 12');
/** Systolic BP of an arm at a visit: each subject's earliest value there. */
const systolicOf = (records: StoredRecord[], visit: string, arm: string) => firsts(records).filter((r) => r.VisitName === visit && r.TreatmentArm === arm).map((r) => r.SystolicBP);

describe.each(['all-in-one', 'split'] as const)('analytics statistics (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let statistician: Client;
  let monitorOfS01: Client;
  const protocolId = newSubjectId('ST');
  let records: StoredRecord[];

  beforeAll(async () => {
    platform = await startPlatform(mode);
    statistician = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('stat'), roles: ['statistician'] })).client;
    monitorOfS01 = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('mon-s01'), roles: ['monitor'], site_ids: ['S01'] })).client;
    const study = await platform.admin.post('/edc/studies').send({
      protocol_id: protocolId,
      title: 'Statistics study',
      baseline_visit: 'Day 1',
      subject_id_format: '{site}-{seq:3}',
      allow_unscheduled_visits: true,
      sites: [{ site_id: 'S01', name: 'Oslo' }, { site_id: 'S02', name: 'Bergen' }],
      arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }],
      schedule: [
        { visit_name: 'Screening', planned_day: -7, window_before: 7, window_after: 0 },
        { visit_name: 'Day 1', planned_day: 1, window_before: 0, window_after: 7 },
        { visit_name: 'Week 4', planned_day: 29, window_before: 30, window_after: 30 },
        { visit_name: 'Week 12', planned_day: 85, window_before: 90, window_after: 30 },
      ],
    });
    expect({ status: study.status, body: study.body }).toMatchObject({ status: 201 });
    records = studyRecords(protocolId);
    const stored = await platform.admin.post('/edc/store-vitals').send({ records });
    expect({ status: stored.status, body: stored.body }).toMatchObject({ status: 201 });
  });
  afterAll(() => platform?.close());

  const expectTable = (actual: Cell[], expected: Cell[]) => {
    expect(actual.map((c) => `${c.vital} ${c.visit} ${c.arm}`)).toEqual(expected.map((c) => `${c.vital} ${c.visit} ${c.arm}`));
    expected.forEach((cell, i) => {
      const got = actual[i];
      expect(got.n).toBe(cell.n);
      for (const key of ['mean', 'sd', 'median', 'q1', 'q3', 'min', 'max'] as const) expectClose(got[key], cell[key], `${cell.vital} ${cell.visit} ${cell.arm} ${key}`);
    });
  };

  const expectComparisons = (comparisons: VisitComparison[], data: StoredRecord[]) => {
    const obs = observations(data);
    const change = changes(data);
    expect(comparisons.map((c) => `${c.vital} ${c.visit}`)).toEqual(VITALS.flatMap((vital) => POST_BASELINE.map((visit) => `${vital} ${visit}`)));
    for (const c of comparisons) {
      const where = `${c.vital} ${c.visit}`;
      const of = (list: Observation[], arm: string) => list.filter((o) => o.vital === c.vital && o.visit === c.visit && o.arm === arm);
      for (const [set, list] of [[c.values, obs], [c.change_from_baseline, change]] as const) {
        expect(set.arms.map((a) => [a.arm, a.n])).toEqual(['Active', 'Placebo'].map((arm) => [arm, of(list, arm).length]));
        expect(set.comparisons).toHaveLength(1);
        const expected = welch(of(list, 'Active').map((o) => o.value), of(list, 'Placebo').map((o) => o.value));
        expect(set.comparisons[0]).toMatchObject({ arm: 'Active', reference: 'Placebo' });
        for (const key of Object.keys(expected) as Array<keyof typeof expected>) expectClose(set.comparisons[0][key], expected[key], `${where} Welch ${key}`);
      }
      const fit = ancovaByLeastSquares(change.filter((o) => o.vital === c.vital && o.visit === c.visit));
      const [comparison] = c.ancova.comparisons;
      expect(c.ancova).toMatchObject({ reference: 'Placebo', not_computed: null, df_residual: fit.df, group_effect: { df1: 1, df2: fit.df } });
      expect(comparison).toMatchObject({ group: 'Active', df: fit.df });
      // Two routes to the same estimate (sufficient statistics in SQL against a matrix inverse here) agree to 1e-9.
      expectClose(c.ancova.slope, fit.slope, `${where} ANCOVA slope`);
      for (const key of ['difference', 'se', 't', 'ci_lower', 'ci_upper', 'p_value'] as const) expectClose(comparison[key], fit[key], `${where} ANCOVA ${key}`);
      expectClose(c.ancova.group_effect.f, fit.f, `${where} ANCOVA F`);
      expectClose(c.ancova.group_effect.p_value, fit.p_value, `${where} ANCOVA F p`);
    }
  };

  describe('descriptive tables', () => {
    let body: { baseline_visit: string; arms: string[]; visits: string[]; values: Cell[]; change_from_baseline: Cell[]; meta: Record<string, unknown> };
    beforeAll(async () => {
      const response = await statistician.get('/analytics/stats/descriptive').query({ study: protocolId });
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
      body = response.body;
    });

    it('gives n, mean, SD, median, quartiles, min and max of each vital by visit (schedule order, unscheduled last) and arm', () => {
      expect(body.baseline_visit).toBe('Day 1');
      expect(body.arms).toEqual(['Active', 'Placebo']);
      expect(body.visits).toEqual([...SCHEDULE, 'Unscheduled']);
      expectTable(body.values, table(observations(records), [...SCHEDULE, 'Unscheduled']));
      // The subjects measured twice (S01-001 at Day 1, S01-003 at Week 12) count once: 6 Active subjects, 6 values.
      expect(body.values.find((c) => c.vital === 'systolic_bp' && c.visit === 'Day 1' && c.arm === 'Active')?.n).toBe(6);
      const week12 = body.values.find((c) => c.vital === 'systolic_bp' && c.visit === 'Week 12' && c.arm === 'Active')!;
      expect(week12.n).toBe(6);
      expectClose(week12.max, Math.max(...systolicOf(records, 'Week 12', 'Active')), 'the later, higher S01-003 Week 12 value is not counted');
    });

    it("gives change from each subject's earliest baseline measurement at the post-baseline visits only", () => {
      expectTable(body.change_from_baseline, table(changes(records), POST_BASELINE));
      // S02-006 (Placebo) has no baseline: 5 Placebo changes, 6 Active.
      expect(body.change_from_baseline.filter((c) => c.vital === 'heart_rate' && c.visit === 'Week 12').map((c) => c.n)).toEqual([6, 5]);
    });

    it('says what it read: the scope, the stored rows in it, when', () => {
      expect(body.meta).toMatchObject({
        scope: { study: protocolId, sites: 'all', dataset_id: null, site_limited: false, note: null },
        records_used: records.length,
        cached: false,
      });
      // Every record read is in records_used; the two later repeats are named as left out.
      expect(body).toMatchObject({ records_without_arm: 0, repeat_records: 2 });
      expect(Date.now() - Date.parse(body.meta.computed_at as string)).toBeLessThan(60_000);
    });

    it('answers empty tables for a study without vitals, and its comparisons have nothing to compare', async () => {
      const empty = newSubjectId('EMPTY');
      const created = await platform.admin.post('/edc/studies').send({
        protocol_id: empty,
        title: 'No data yet',
        baseline_visit: 'Day 1',
        arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }],
        schedule: [{ visit_name: 'Day 1', planned_day: 1 }, { visit_name: 'Week 12', planned_day: 85 }],
      });
      expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
      const described = await statistician.get('/analytics/stats/descriptive').query({ study: empty }).expect(200);
      expect(described.body).toMatchObject({ baseline_visit: 'Day 1', arms: ['Active', 'Placebo'], visits: [], values: [], change_from_baseline: [], meta: { records_used: 0 } });
      const compared = await statistician.get('/analytics/stats/comparisons').query({ study: empty }).expect(200);
      expect(compared.body).toMatchObject({ reference_arm: 'Placebo', visits: ['Week 12'], comparisons: [], meta: { records_used: 0 } });
    });
  });

  describe('comparisons', () => {
    it('Welch tests of values and change, and the ANCOVA of change with baseline, equal an independent computation', async () => {
      const response = await statistician.get('/analytics/stats/comparisons').query({ study: protocolId });
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
      expect(response.body).toMatchObject({ baseline_visit: 'Day 1', reference_arm: 'Placebo', vitals: VITALS, visits: POST_BASELINE, meta: { records_used: records.length } });
      expectComparisons(response.body.comparisons, records);
    });

    it('narrows to one vital', async () => {
      const response = await statistician.get('/analytics/stats/comparisons').query({ study: protocolId, vital: 'heart_rate' }).expect(200);
      expect(response.body.vitals).toEqual(['heart_rate']);
      expect(response.body.comparisons.map((c: VisitComparison) => `${c.vital} ${c.visit}`)).toEqual(['heart_rate Week 4', 'heart_rate Week 12']);
    });
  });

  describe('a site-limited reader', () => {
    it("gets their sites' figures only, and the answer says so", async () => {
      const response = await monitorOfS01.get('/analytics/stats/descriptive').query({ study: protocolId });
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
      const own = records.filter((r) => r.SiteID === 'S01');
      expectTable(response.body.values, table(observations(own), [...SCHEDULE, 'Unscheduled']));
      expectTable(response.body.change_from_baseline, table(changes(own), POST_BASELINE));
      expect(response.body.meta).toMatchObject({ records_used: own.length, scope: { sites: ['S01'], site_limited: true, note: expect.stringMatching(/S01/) } });
      const compared = await monitorOfS01.get('/analytics/stats/comparisons').query({ study: protocolId }).expect(200);
      expect(compared.body.meta.scope.site_limited).toBe(true);
      expectComparisons(compared.body.comparisons, own);
    });

    it('answers 404 for another site, as for a site that does not exist', async () => {
      const other = await monitorOfS01.get('/analytics/stats/descriptive').query({ study: protocolId, site: 'S02' });
      expect(other.status).toBe(404);
      expect((await monitorOfS01.post('/analytics/stats/week12').send({ study: protocolId, site: 'S02' })).status).toBe(404);
      expect((await statistician.get('/analytics/stats/descriptive').query({ study: protocolId, site: 'S09' })).status).toBe(404);
      expect((await statistician.get('/analytics/stats/descriptive').query({ study: newSubjectId('NONE') })).status).toBe(404);
    });

    it('a site asked by an unlimited reader narrows the figures to it', async () => {
      const response = await statistician.get('/analytics/stats/descriptive').query({ study: protocolId, site: 'S02' }).expect(200);
      const s02 = records.filter((r) => r.SiteID === 'S02');
      expectTable(response.body.values, table(observations(s02), SCHEDULE));
      expect(response.body.meta).toMatchObject({ records_used: s02.length, scope: { sites: ['S02'], site_limited: false } });
    });
  });

  describe('the Week 12 test', () => {
    it('over records sent equals the independent Welch test, and equals the same test over the stored records', async () => {
      const sent = await statistician.post('/analytics/stats/week12').send({ records: week12Body(records) });
      expect({ status: sent.status, body: sent.body }).toMatchObject({ status: 200 });
      const active = systolicOf(records, 'Week 12', 'Active');
      const placebo = systolicOf(records, 'Week 12', 'Placebo');
      const expected = welch(active, placebo);
      // 13 records at Week 12, S01-003's second among them: 6 subjects per arm.
      expect(sent.body).toMatchObject({ source: 'records', visit: 'Week 12', vital: 'systolic_bp', arm: 'Active', reference: 'Placebo', not_computed: null, meta: { records_used: 13, cached: false } });
      expect(sent.body.arms.map((a: { arm: string; n: number }) => [a.arm, a.n])).toEqual([['Active', 6], ['Placebo', 6]]);
      expectClose(sent.body.arms[0].mean, mean(active), 'Active mean');
      expectClose(sent.body.arms[1].sd, sd(placebo), 'Placebo SD');
      for (const key of Object.keys(expected) as Array<keyof typeof expected>) expectClose(sent.body[key], expected[key], `week12 ${key}`);

      const stored = await statistician.post('/analytics/stats/week12').send({ study: protocolId });
      expect({ status: stored.status, body: stored.body }).toMatchObject({ status: 200 });
      const figures = ({ source: _source, meta: _meta, ...rest }: Record<string, unknown>) => rest;
      expect(figures(stored.body)).toEqual(figures(sent.body));
      expect(stored.body).toMatchObject({ source: 'stored', meta: { scope: { study: protocolId }, records_used: 13 } });
      // All records sent, other visits among them: the same figures.
      expect(figures((await statistician.post('/analytics/stats/week12').send({ records }).expect(200)).body)).toEqual(figures(sent.body));
    });

    it('takes another visit and another pair of arms', async () => {
      const response = await statistician.post('/analytics/stats/week12').send({ study: protocolId, visit: 'Week 4', arms: ['Placebo', 'Active'] }).expect(200);
      const of = (arm: string) => systolicOf(records, 'Week 4', arm);
      expectClose(response.body.difference, welch(of('Placebo'), of('Active')).difference, 'Week 4 difference');
      expectClose(response.body.p_value, welch(of('Placebo'), of('Active')).p_value, 'Week 4 p');
    });

    it('answers 422 naming the arm and its count when an arm has fewer than 2 values at the visit', async () => {
      const one = [...week12Body(records).filter((r) => r.TreatmentArm === 'Placebo'), week12Body(records).find((r) => r.TreatmentArm === 'Active')!];
      const response = await statistician.post('/analytics/stats/week12').send({ records: one });
      expect(response.status).toBe(422);
      expect(response.body.message).toMatch(/Active has 1 systolic BP value at Week 12/);
      const none = await statistician.post('/analytics/stats/week12').send({ study: protocolId, visit: 'Week 99' });
      expect(none.status).toBe(422);
      expect(none.body.message).toMatch(/Active has 0 .*Placebo has 0/);
    });

    it('refuses with 400 and a reason: records with a study, empty, too many, wrong types, unknown fields', async () => {
      const refused = async (body: unknown, pattern: RegExp) => {
        const response = await statistician.post('/analytics/stats/week12').send(body as object);
        expect({ status: response.status, message: response.body.message }).toEqual({ status: 400, message: expect.stringMatching(pattern) });
        return response;
      };
      await refused({ records: week12Body(records), study: protocolId }, /either records or .*study given with records/);
      await refused({ records: week12Body(records), dataset_id: '00000000-0000-4000-8000-000000000001' }, /dataset_id given with records/);
      await refused({ records: [] }, /records: must hold at least 1 record/);
      await refused({ records: Array.from({ length: 10_001 }, () => ({})) }, /records: must hold at most 10000 records/);
      await refused({ records: 'all of them' }, /records/);
      const typed = await refused({ records: [{ ...week12Body(records)[0], SystolicBP: '120' }, { ...week12Body(records)[1], TreatmentArm: 7 }] }, /not valid vital signs records/);
      expect(typed.body.details).toEqual([
        { field: 'records[0].SystolicBP', problems: [expect.stringMatching(/must be a number/)] },
        { field: 'records[1].TreatmentArm', problems: [expect.stringMatching(/must be a text/)] },
      ]);
      const unknown = await refused({ records: [{ ...week12Body(records)[0], Weight: 80 }] }, /Weight/);
      expect(unknown.body.details).toEqual([{ field: 'records[0].Weight', problems: ['is not a field of a vital signs record'] }]);
      await refused({ records: [null] }, /records\[0\]: must be an object/);
      await refused({ records: [{ VisitName: 'Week 12', TreatmentArm: 'Active', SystolicBP: 120 }] }, /records\[0\]\.SubjectID: is required/);
      await refused({ study: protocolId, confidence: 0.9 }, /confidence/);
      await refused({ study: protocolId, arms: ['Active'] }, /arms: must name exactly 2 arms/);
      await refused({ study: protocolId, arms: ['Active', 'Active'] }, /arms: must name two different arms/);
      await refused({ study: protocolId, visit: '' }, /visit: must be 1 to 64 characters/);
    });

    it('refuses a vital it does not analyse and a malformed scope with 400', async () => {
      const vital = await statistician.get('/analytics/stats/comparisons').query({ study: protocolId, vital: 'respiratory_rate' });
      expect({ status: vital.status, message: vital.body.message }).toEqual({ status: 400, message: expect.stringMatching(/vital: must be one of systolic_bp, diastolic_bp, heart_rate, temperature/) });
      expect((await statistician.get('/analytics/stats/descriptive').query({ study: protocolId, dataset_id: 'nope' })).status).toBe(400);
      expect((await statistician.get('/analytics/stats/descriptive').query({ study: protocolId, extra: 1 })).status).toBe(400);
    });
  });

  describe('subjects without an arm, and an arm the study does not list', () => {
    const study = newSubjectId('NOARM');
    beforeAll(async () => {
      const created = await platform.admin.post('/edc/studies').send({
        protocol_id: study,
        title: 'Arms in the data',
        status: 'enrolling',
        baseline_visit: 'Day 1',
        allow_unlisted_arms: true,
        sites: [{ site_id: 'S01', name: 'Oslo' }],
        arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }],
        schedule: [{ visit_name: 'Day 1', planned_day: 1 }, { visit_name: 'Week 12', planned_day: 85, window_before: 90, window_after: 30 }],
      });
      expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
      const armed = ['Active', 'Active', 'Active', 'Placebo', 'Placebo', 'Placebo', 'Xarm', 'Xarm'].flatMap((arm, index) =>
        ['Day 1', 'Week 12'].map((visit, v) => ({
          ProtocolID: study,
          SubjectID: `S01-${String(index + 1).padStart(3, '0')}`,
          SiteID: 'S01',
          TreatmentArm: arm,
          VisitName: visit,
          VisitDate: v === 0 ? '2026-03-01' : '2026-05-24',
          MeasurementTime: v === 0 ? '2026-03-01T09:00:00Z' : '2026-05-24T09:00:00Z',
          SystolicBP: 120 + index * 3 - v * (arm === 'Placebo' ? 1 : 6 + index),
          DiastolicBP: 80,
          HeartRate: 70 + index,
          Temperature: 36.6,
        })),
      );
      const stored = await platform.admin.post('/edc/store-vitals').send({ records: armed });
      expect({ status: stored.status, body: stored.body }).toMatchObject({ status: 201 });
      // Enrolled, not randomized (no arm), yet with vitals captured at both visits.
      const enrolled = await platform.admin.post(`/edc/studies/${study}/subjects`).send({ subject_id: 'S01-099', site_id: 'S01', consent_date: '2026-02-20', demographics: { sex: 'F', age: 50 }, enrol: true });
      expect({ status: enrolled.status, message: enrolled.body.message }).toEqual({ status: 201, message: undefined });
      for (const [visit_name, measurement_time] of [['Day 1', '2026-03-01T10:00:00Z'], ['Week 12', '2026-05-24T10:00:00Z']]) {
        const captured = await platform.admin
          .post('/edc/patients/S01-099/vitals')
          .query({ protocolId: study })
          .send({ visit_name, visit_date: measurement_time.slice(0, 10), measurement_time, systolic_bp: 200, diastolic_bp: 100, heart_rate: 90, temperature: 37 });
        expect({ status: captured.status, message: captured.body.message }).toEqual({ status: 201, message: undefined });
      }
    });

    it('leaves the subject without an arm out of the tables, counts its records, and lists the unlisted arm last', async () => {
      const response = await statistician.get('/analytics/stats/descriptive').query({ study });
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
      expect(response.body).toMatchObject({ arms: ['Active', 'Placebo', 'Xarm'], records_without_arm: 2, repeat_records: 0, meta: { records_used: 18 } });
      const arms = (cells: Cell[]) => [...new Set(cells.map((c) => c.arm))];
      expect(arms(response.body.values)).toEqual(['Active', 'Placebo', 'Xarm']);
      expect(arms(response.body.change_from_baseline)).toEqual(['Active', 'Placebo', 'Xarm']);
      // 200 mmHg is only the unrandomized subject's: no table holds it.
      expect(response.body.values.filter((c: Cell) => c.vital === 'systolic_bp').map((c: Cell) => c.max)).not.toContain(200);
    });

    it('compares each arm with data against the reference, never a missing arm', async () => {
      const response = await statistician.get('/analytics/stats/comparisons').query({ study, vital: 'systolic_bp' });
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
      expect(response.body).toMatchObject({ reference_arm: 'Placebo', records_without_arm: 2 });
      const [week12] = response.body.comparisons as VisitComparison[];
      expect(week12.values.arms.map((a) => [a.arm, a.n])).toEqual([['Active', 3], ['Placebo', 3], ['Xarm', 2]]);
      expect(week12.values.comparisons.map((c) => c.arm)).toEqual(['Active', 'Xarm']);
      expect(week12.change_from_baseline.comparisons.map((c) => c.arm)).toEqual(['Active', 'Xarm']);
      expect(week12.ancova).toMatchObject({ n: 8, not_computed: null });
      expect(week12.ancova.comparisons.map((c) => c.group)).toEqual(['Active', 'Xarm']);
    });
  });

  describe('the cache', () => {
    it('serves the same figures again from the cache, and never after the data changed', async () => {
      const read = async () => (await statistician.get('/analytics/stats/descriptive').query({ study: protocolId }).expect(200)).body;
      const readWeek12 = async () => (await statistician.post('/analytics/stats/week12').send({ study: protocolId }).expect(200)).body;
      const before = await read();
      const again = await read();
      expect(again.meta.cached).toBe(true);
      expect(again).toEqual({ ...before, meta: { ...before.meta, cached: true } });
      const week12Before = await readWeek12();
      expect((await readWeek12()).meta.cached).toBe(true);
      const comparisons = (await statistician.get('/analytics/stats/comparisons').query({ study: protocolId }).expect(200)).body;
      expect((await statistician.get('/analytics/stats/comparisons').query({ study: protocolId }).expect(200)).body.meta.cached).toBe(true);

      // Earlier than S02-001's Week 12 record: it becomes the one that counts.
      const extra: StoredRecord = { ...records.find((r) => r.SubjectID === 'S02-001' && r.VisitName === 'Week 12')!, MeasurementTime: '2026-03-22T07:00:00Z', SystolicBP: 171, DiastolicBP: 95 };
      const stored = await platform.admin.post('/edc/store-vitals').send({ records: [extra] });
      expect({ status: stored.status, body: stored.body }).toMatchObject({ status: 201 });
      const now = [...records, extra];

      const after = await read();
      expect(after.meta).toMatchObject({ cached: false, records_used: now.length });
      expectTable(after.values, table(observations(now), [...SCHEDULE, 'Unscheduled']));
      expectTable(after.change_from_baseline, table(changes(now), POST_BASELINE));
      expect(after.values).not.toEqual(before.values);
      const week12After = await readWeek12();
      expect(week12After.meta.cached).toBe(false);
      expect(week12After.arms[0].n).toBe(week12Before.arms[0].n);
      expect(week12After.meta.records_used).toBe(week12Before.meta.records_used + 1);
      expect(week12After.difference).not.toBe(week12Before.difference);
      const comparisonsAfter = (await statistician.get('/analytics/stats/comparisons').query({ study: protocolId }).expect(200)).body;
      expect(comparisonsAfter.meta.cached).toBe(false);
      expect(comparisonsAfter.comparisons).not.toEqual(comparisons.comparisons);
      expectComparisons(comparisonsAfter.comparisons, now);
    });
  });
});
