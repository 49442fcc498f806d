import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomStream, SourceRow, TrialDesign, VitalValues } from './dataset.js';
import { covarianceMatrix, meanVector } from './matrix.js';
import { fitMvn, MVN_DEFAULT_MEANS, MVN_DEFAULT_SDS, mvnModel } from './mvn.js';

/** A seeded stream for these tests only (the generators get theirs from random.ts): Box–Muller on xoroshiro128+. */
function testStream(seed: number): RandomStream {
  const rng = xoroshiro128plus(seed);
  return {
    uniform: () => uniformFloat64(rng),
    normal: (mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng)),
    integer: (min, max) => uniformInt(rng, min, max),
  };
}

const design: TrialDesign = {
  protocolId: 'P1',
  subjectIdFormat: null,
  baselineVisit: 'Day 1',
  arms: [
    { armCode: 'Active', allocationRatio: 1 },
    { armCode: 'Placebo', allocationRatio: 1 },
  ],
  visits: [
    { visitName: 'Day 1', plannedDay: 1, windowBefore: 0, windowAfter: 0, required: true },
    { visitName: 'Week 4', plannedDay: 29, windowBefore: 3, windowAfter: 3, required: true },
  ],
  sites: [],
};

/** Correlated source rows: diastolic follows systolic, temperature follows heart rate a little. */
function sourceRows(count: number, visit: string, arm: string, seed: number): SourceRow[] {
  const random = testStream(seed);
  return Array.from({ length: count }, (_, i) => {
    const systolic = random.normal(125, 12);
    const heartRate = random.normal(72, 9);
    return {
      subject: `S-${String(i).padStart(4, '0')}`,
      arm,
      visit,
      systolic,
      diastolic: 5 + 0.6 * systolic + random.normal(0, 5),
      heartRate,
      temperature: 36 + 0.01 * heartRate + random.normal(0, 0.3),
    };
  });
}

const asVector = (values: VitalValues) => [values.systolic, values.diastolic, values.heartRate, values.temperature];

function draw(model: ReturnType<typeof mvnModel>, arm: string, visit: string, count: number, seed: number): number[][] {
  const random = testStream(seed);
  return Array.from({ length: count }, () => asVector(model.valuesFor(arm, [visit], random).get(visit)!));
}

describe('fitMvn', () => {
  const rows = sourceRows(400, 'Week 4', 'Active', 1);
  const fit = fitMvn(rows, design);
  const block = fit.blocks.find((b) => b.visit === 'Week 4' && b.arm === 'Active')!;

  it('has one block per design visit and arm, in the design order', () => {
    expect(fit.blocks.map((b) => [b.visit, b.arm])).toEqual([
      ['Day 1', 'Active'],
      ['Day 1', 'Placebo'],
      ['Week 4', 'Active'],
      ['Week 4', 'Placebo'],
    ]);
  });

  it("fits a block's mean vector and sample covariance from its rows", () => {
    const vectors = rows.map((r) => [r.systolic, r.diastolic, r.heartRate, r.temperature]);
    expect(block).toMatchObject({ n: 400, fallback: false, ridge: 0 });
    block.mean.forEach((value, i) => expect(value).toBeCloseTo(meanVector(vectors, 4)[i], 9));
    const covariance = covarianceMatrix(vectors, 4);
    block.covariance.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(covariance[i][j], 9)));
  });

  it('falls back to the design means and SDs, uncorrelated, for blocks absent from the data', () => {
    const absent = fit.blocks.find((b) => b.visit === 'Day 1' && b.arm === 'Placebo')!;
    expect(absent).toMatchObject({ n: 0, fallback: true, mean: [130, 80, 75, 36.8] });
    expect(absent.covariance).toEqual([
      [100, 0, 0, 0],
      [0, 64, 0, 0],
      [0, 0, 64, 0],
      [0, 0, 0, 0.09],
    ]);
  });

  it('falls back for a block of fewer than 8 rows, and fits one of exactly 8', () => {
    const small = fitMvn([...sourceRows(7, 'Day 1', 'Active', 2), ...sourceRows(8, 'Day 1', 'Placebo', 3)], design);
    expect(small.blocks[0]).toMatchObject({ n: 7, fallback: true, mean: [...MVN_DEFAULT_MEANS] });
    expect(small.blocks[1]).toMatchObject({ n: 8, fallback: false });
  });

  it('falls back everywhere for an empty source', () => {
    expect(fitMvn([], design).blocks.every((b) => b.fallback && b.n === 0)).toBe(true);
  });

  it('ignores rows of visits and arms outside the design', () => {
    const extra = [...sourceRows(20, 'Week 99', 'Active', 4), ...sourceRows(20, 'Week 4', 'Other', 5)];
    expect(fitMvn([...rows, ...extra], design)).toEqual(fit);
  });

  it("gives the same fit, to the last bit, whatever the rows' order", () => {
    expect(JSON.stringify(fitMvn([...rows].reverse(), design))).toBe(JSON.stringify(fit));
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(fit))).toEqual(fit);
  });
});

describe('mvnModel', () => {
  const rows = sourceRows(400, 'Week 4', 'Active', 1);
  const fit = fitMvn(rows, design);
  const model = mvnModel(fit);
  const block = fit.blocks.find((b) => b.visit === 'Week 4' && b.arm === 'Active')!;

  it("recovers the fitted means and covariances within 4 standard errors over 20,000 draws", () => {
    const n = 20_000;
    const draws = draw(model, 'Active', 'Week 4', n, 7);
    const mean = meanVector(draws, 4);
    const covariance = covarianceMatrix(draws, 4);
    const s = block.covariance;
    for (let i = 0; i < 4; i += 1) {
      expect(Math.abs(mean[i] - block.mean[i])).toBeLessThan(4 * Math.sqrt(s[i][i] / n));
      for (let j = 0; j < 4; j += 1) {
        // Var(s_ij) ≈ (σ_ii σ_jj + σ_ij²) / n for normal data.
        const standardError = Math.sqrt((s[i][i] * s[j][j] + s[i][j] ** 2) / n);
        expect(Math.abs(covariance[i][j] - s[i][j])).toBeLessThan(4 * standardError);
      }
    }
  });

  it("samples a fallback block from the design's means and SDs", () => {
    const n = 20_000;
    const draws = draw(model, 'Placebo', 'Day 1', n, 8);
    const mean = meanVector(draws, 4);
    const covariance = covarianceMatrix(draws, 4);
    MVN_DEFAULT_SDS.forEach((sd, i) => {
      expect(Math.abs(mean[i] - MVN_DEFAULT_MEANS[i])).toBeLessThan((4 * sd) / Math.sqrt(n));
      expect(Math.abs(Math.sqrt(covariance[i][i]) - sd)).toBeLessThan((4 * sd) / Math.sqrt(2 * n));
    });
  });

  it('returns a value for every visit asked, in the order asked', () => {
    const values = model.valuesFor('Active', ['Week 4', 'Day 1'], testStream(9));
    expect([...values.keys()]).toEqual(['Week 4', 'Day 1']);
  });

  it('is deterministic given the same stream, and differs with another seed', () => {
    const again = mvnModel(JSON.parse(JSON.stringify(fit)));
    const visits = ['Day 1', 'Week 4'];
    const first = model.valuesFor('Active', visits, testStream(10));
    expect(again.valuesFor('Active', visits, testStream(10))).toEqual(first);
    expect(model.valuesFor('Active', visits, testStream(11))).not.toEqual(first);
  });

  it('samples collinear data (diastolic = systolic − 40, constant temperature) by adding a small ridge', () => {
    const collinear = sourceRows(50, 'Week 4', 'Active', 12).map((r) => ({ ...r, diastolic: r.systolic - 40, temperature: 36.6 }));
    const collinearFit = fitMvn(collinear, design);
    const collinearBlock = collinearFit.blocks.find((b) => b.visit === 'Week 4' && b.arm === 'Active')!;
    expect(collinearBlock.ridge).toBeGreaterThan(0);
    expect(collinearBlock.ridge).toBeLessThan(1e-3);
    const draws = draw(mvnModel(collinearFit), 'Active', 'Week 4', 1_000, 13);
    for (const [systolic, diastolic, , temperature] of draws) {
      expect(diastolic - (systolic - 40)).toBeCloseTo(0, 1);
      expect(temperature).toBeCloseTo(36.6, 1);
    }
  });

  it('refuses a visit or arm the fit has no block for', () => {
    expect(() => model.valuesFor('Active', ['Week 99'], testStream(14))).toThrow(/no block for visit "Week 99" in arm "Active"/);
  });
});
