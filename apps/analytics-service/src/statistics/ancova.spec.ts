import { ancova, type AncovaGroupStats } from './ancova.js';
import { allNumbersFinite, expectPrinted, expectRelative, seededRandom } from './testing/reference-checks.js';

/** A group's sufficient statistics from raw (x, y) pairs, by the plain two-pass formula. */
function groupStats(group: string, xs: readonly number[], ys: readonly number[]): AncovaGroupStats {
  const n = xs.length;
  const meanX = xs.reduce((s, v) => s + v, 0) / n;
  const meanY = ys.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - meanX) ** 2;
    sxy += (xs[i] - meanX) * (ys[i] - meanY);
    syy += (ys[i] - meanY) ** 2;
  }
  return { group, n, meanX, meanY, sxx, sxy, syy };
}

/*
 * Reference: Montgomery, Design and Analysis of Experiments, the analysis-of-covariance chapter's example:
 * breaking strength y (pounds) of a fibre from three machines, with its diameter x (10⁻³ in) as covariate.
 *
 * Exact arithmetic from the data (group sums by hand):
 *   M1: x̄ = 25.2, ȳ = 41.4, Sxx = 74.8, Sxy = 82.6, Syy = 93.2
 *   M2: x̄ = 26,   ȳ = 43.2, Sxx = 56,   Sxy = 48,   Syy = 54.8
 *   M3: x̄ = 21.2, ȳ = 36,   Sxx = 64.8, Sxy = 56,   Syy = 58
 *   Exx = 195.6, Exy = 186.6, Eyy = 206                      (textbook: 195.60, 186.60, 206.00)
 *   slope = Exy/Exx = 186.6/195.6 = 311/326                   (textbook: 0.954)
 *   SSE = Eyy − Exy²/Exx = 206 − 186.6²/195.6 = 45617/1630     (textbook: 27.99), df = 15 − 3 − 1 = 11
 *   MSE = 45617/17930;  SE(slope)² = MSE/Exx = (45617/17930)/195.6
 *   overall x̄ = 362/15, ȳ = 40.2; deviations of the group means: x 16/15, 28/15, −44/15; y 1.2, 3, −4.2
 *   Txx = 195.6 + 5·(16² + 28² + 44²)/15² = 3926/15,  Txy = 186.6 + 5·288/15 = 282.6,  Tyy = 206 + 5·28.08 = 346.4
 *   SSE_reduced = Tyy − Txy²/Txx = 346.4 − 282.6²·15/3926 = 162025/3926   (textbook: 41.27)
 *   F = ((162025/3926 − 45617/1630)/2) / (45617/17930) = 21252102/8140561  (textbook: 2.61)
 *   p = P(F(2, 11) > F) = (1 + 2F/11)^(−11/2)  (closed form of the F(2, ν) upper tail)  (textbook: P ≈ 0.12)
 *   adjusted means ȳᵢ − slope·(x̄ᵢ − x̄):
 *     M1: 41.4 − (311/326)(16/15) = 19747/489,  M2: 43.2 − (311/326)(28/15) = 20254/489,
 *     M3: 36 + (311/326)(44/15) = 94862/2445                (textbook: 40.38, 41.42, 38.80)
 *   SE(adjusted mean)² = MSE·(1/5 + (x̄ᵢ − x̄)²/Exx)
 *   M2 − M1 = 1.8 − (311/326)·0.8 = 169/163,   SE² = MSE·(2/5 + 0.8²/195.6) = MSE·986/2445
 *   M3 − M1 = −5.4 + (311/326)·4 = −1291/815,  SE² = MSE·(2/5 + 4²/195.6) = MSE·1178/2445
 */
const MACHINES = [
  { group: 'M1', y: [36, 41, 39, 42, 49], x: [20, 25, 24, 25, 32] },
  { group: 'M2', y: [40, 48, 39, 45, 44], x: [22, 28, 22, 30, 28] },
  { group: 'M3', y: [35, 37, 42, 34, 32], x: [21, 23, 26, 21, 15] },
];
const EXACT = 1e-9;

describe('ancova', () => {
  describe("reproduces Montgomery's breaking-strength example (three machines, diameter as covariate)", () => {
    const stats = MACHINES.map((m) => groupStats(m.group, m.x, m.y));
    const result = ancova(stats, 'M1');
    const mse = 45617 / 17930;

    it('the input has the textbook within-group sums Exx, Exy, Eyy', () => {
      expectPrinted(stats.reduce((s, g) => s + (g.sxx as number), 0), '195.60');
      expectPrinted(stats.reduce((s, g) => s + (g.sxy as number), 0), '186.60');
      expectPrinted(stats.reduce((s, g) => s + (g.syy as number), 0), '206.00');
    });

    it('common slope, residual sum of squares and mean square: exact fractions and textbook figures', () => {
      expect(result.not_computed).toBeNull();
      expect(result.n).toBe(15);
      expect(result.groups).toBe(3);
      expectRelative(result.slope, 311 / 326, EXACT);
      expectPrinted(result.slope, '0.954');
      expectRelative(result.sse, 45617 / 1630, EXACT);
      expectPrinted(result.sse, '27.99');
      expect(result.df_residual).toBe(11);
      expectRelative(result.mse, mse, EXACT);
      expectRelative(result.slope_se, Math.sqrt(mse / 195.6), EXACT);
      expectRelative(result.covariate_mean, 362 / 15, EXACT);
    });

    it('adjusted means at the overall mean diameter, with their standard errors', () => {
      const expected = [
        { group: 'M1', adjusted: 19747 / 489, printed: '40.38', deviation: 16 / 15 },
        { group: 'M2', adjusted: 20254 / 489, printed: '41.42', deviation: 28 / 15 },
        { group: 'M3', adjusted: 94862 / 2445, printed: '38.80', deviation: -44 / 15 },
      ];
      expect(result.adjusted_means.map((m) => m.group)).toEqual(['M1', 'M2', 'M3']);
      expected.forEach((e, i) => {
        const actual = result.adjusted_means[i];
        expectRelative(actual.adjusted_mean, e.adjusted, EXACT);
        expectPrinted(actual.adjusted_mean, e.printed);
        expectRelative(actual.se, Math.sqrt(mse * (1 / 5 + e.deviation ** 2 / 195.6)), EXACT);
        expect(actual.n).toBe(5);
      });
    });

    it('each machine against M1: difference, standard error, t, interval and p', () => {
      const expected = [
        { group: 'M2', difference: 169 / 163, se: Math.sqrt((mse * 986) / 2445) },
        { group: 'M3', difference: -1291 / 815, se: Math.sqrt((mse * 1178) / 2445) },
      ];
      expect(result.comparisons.map((c) => [c.group, c.reference])).toEqual([['M2', 'M1'], ['M3', 'M1']]);
      expected.forEach((e, i) => {
        const c = result.comparisons[i];
        expectRelative(c.difference, e.difference, EXACT);
        expectRelative(c.se, e.se, EXACT);
        expectRelative(c.t, e.difference / e.se, EXACT);
        expect(c.df).toBe(11);
        // t(0.975, 11) = 2.20098516009163984 (the root of I_{11/(11+t²)}(11/2, 1/2)/2 = 0.025 in 30-digit
        // multiple-precision arithmetic; tables print 2.201); the interval is symmetric around the difference.
        expectRelative(((c.ci_upper as number) - (c.ci_lower as number)) / 2 / e.se, 2.20098516009163984, 1e-9);
        expectRelative(((c.ci_upper as number) + (c.ci_lower as number)) / 2, e.difference, EXACT);
        expect(c.p_value as number).toBeGreaterThan(0);
        expect(c.p_value as number).toBeLessThan(1);
      });
    });

    it('the F test for machines adjusted for diameter: exact F, closed-form p, textbook figures', () => {
      const f = 21252102 / 8140561;
      expectRelative(result.group_effect.f, f, EXACT);
      expectPrinted(result.group_effect.f, '2.61');
      expect(result.group_effect.df1).toBe(2);
      expect(result.group_effect.df2).toBe(11);
      expectRelative(result.group_effect.p_value, (1 + (2 * f) / 11) ** (-11 / 2), EXACT);
      expectPrinted(result.group_effect.p_value, '0.12');
    });
  });

  it('agrees with an ordinary least-squares fit of y on group indicators and x, solved from the raw data', () => {
    const random = seededRandom(2026);
    for (let trial = 0; trial < 20; trial++) {
      const groups = Array.from({ length: 2 + Math.floor(random() * 3) }, (_, g) => {
        const n = 2 + Math.floor(random() * 12);
        const x = Array.from({ length: n }, () => 120 + 30 * random());
        const y = x.map((xi) => 5 * g - 0.3 * xi + 8 * (random() - 0.5));
        return { group: `A${g}`, x, y };
      });
      const result = ancova(groups.map((g) => groupStats(g.group, g.x, g.y)), 'A0');
      const fit = leastSquares(groups);
      expectRelative(result.slope, fit.beta[fit.beta.length - 1], 1e-9);
      expectRelative(result.slope_se, Math.sqrt(fit.mse * fit.inverse[fit.beta.length - 1][fit.beta.length - 1]), 1e-9);
      expectRelative(result.sse, fit.sse, 1e-9);
      result.comparisons.forEach((c, i) => {
        expectRelative(c.difference, fit.beta[i + 1], 1e-9);
        expectRelative(c.se, Math.sqrt(fit.mse * fit.inverse[i + 1][i + 1]), 1e-9);
      });
      const reduced = leastSquares([{ x: groups.flatMap((g) => g.x), y: groups.flatMap((g) => g.y) }]);
      const f = (reduced.sse - fit.sse) / (groups.length - 1) / fit.mse;
      expectRelative(result.group_effect.f, f, 1e-8);
    }
  });

  it('with two groups, F for the group effect is the square of the adjusted difference t, with the same p', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const groups = ['Placebo', 'Active'].map((group, g) => {
        const x = Array.from({ length: 3 + Math.floor(random() * 20) }, () => 140 + 20 * random());
        return groupStats(group, x, x.map((xi) => -3 * g + 0.5 * xi + 10 * random()));
      });
      const result = ancova(groups, 'Placebo');
      const [comparison] = result.comparisons;
      expectRelative(result.group_effect.f, (comparison.t as number) ** 2, 1e-9);
      expectRelative(result.group_effect.p_value, comparison.p_value as number, 1e-7);
    }
  });

  it('with a covariate unrelated to the outcome in every group (Sxy = 0, equal covariate means), the difference is the raw difference of means', () => {
    const placebo: AncovaGroupStats = { group: 'Placebo', n: 6, meanX: 150, meanY: -2, sxx: 40, sxy: 0, syy: 30 };
    const active: AncovaGroupStats = { group: 'Active', n: 8, meanX: 150, meanY: -7, sxx: 55, sxy: 0, syy: 45 };
    const result = ancova([placebo, active], 'Placebo');
    expect(result.slope).toBe(0);
    expectRelative(result.comparisons[0].difference, -5, 1e-12);
    // Same pooled residual as the equal-variance t test, with one degree of freedom fewer (the slope).
    expectRelative(result.mse, 75 / (14 - 3), 1e-12);
    expectRelative(result.comparisons[0].se, Math.sqrt((75 / 11) * (1 / 6 + 1 / 8)), 1e-12);
  });

  describe('degenerate input gives nulls and a reason, never NaN or Infinity, never an exception', () => {
    const one = (group: string, n: number, meanX: number | null, sxx: number | null): AncovaGroupStats => ({
      group,
      n,
      meanX,
      meanY: meanX === null ? null : 10,
      sxx,
      sxy: sxx === null ? null : 1,
      syy: sxx === null ? null : 3,
    });

    it.each<[string, AncovaGroupStats[], string, RegExp]>([
      ['no covariate spread within the groups (ΣSxx = 0)', [one('A', 4, 150, 0), one('B', 4, 140, 0)], 'A', /does not vary within the groups/],
      ['a single group', [one('A', 9, 150, 20)], 'A', /at least 2 groups/],
      ['no groups at all', [], 'A', /at least 2 groups/],
      ['an empty group', [one('A', 5, 150, 20), one('B', 0, null, null)], 'A', /group B has no observations/],
      ['a missing reference group', [one('A', 5, 150, 20), one('B', 5, 150, 20)], 'Placebo', /reference group Placebo has no data/],
      ['a group listed twice', [one('A', 5, 150, 20), one('A', 5, 150, 20)], 'A', /appears twice/],
      ['a non-finite statistic', [one('A', 5, Number.NaN, 20), one('B', 5, 150, 20)], 'A', /non-finite/],
      ['numbers too large to compute with', [one('A', 5, 1e300, 1e300), one('B', 5, -1e300, 1e300)], 'A', /too extreme/],
    ])('%s', (_name, groups, reference, reason) => {
      const result = ancova(groups, reference);
      expect(result.not_computed).toMatch(reason);
      expect(result.slope).toBeNull();
      expect(result.group_effect).toEqual({ f: null, df1: null, df2: null, p_value: null });
      expect(result.adjusted_means.every((m) => m.adjusted_mean === null && m.se === null)).toBe(true);
      expect(result.comparisons.every((c) => c.difference === null && c.p_value === null)).toBe(true);
      expect(allNumbersFinite(result)).toBe(true);
      expect(result.adjusted_means.map((m) => m.group)).toEqual(groups.map((g) => g.group));
    });

    it('no residual degrees of freedom: the estimates, but no standard errors or tests', () => {
      const result = ancova([groupStats('A', [1, 2], [3, 5]), groupStats('B', [4], [6])], 'A');
      expect(result.not_computed).toMatch(/no residual degrees of freedom \(n − groups − 1 = 0\)/);
      expectRelative(result.slope, 2, 1e-12);
      // Adjusted difference B − A = (6 − 4) − 2·(4 − 1.5) = −3.
      expectRelative(result.comparisons[0].difference, -3, 1e-12);
      expect(result.comparisons[0].se).toBeNull();
      expect(result.slope_se).toBeNull();
      expect(result.group_effect.f).toBeNull();
      expect(allNumbersFinite(result)).toBe(true);
    });

    it('an exact fit (every point on parallel lines): the estimates, but no standard errors or tests', () => {
      const x = [1, 2, 3, 4];
      const result = ancova([groupStats('A', x, x.map((v) => 2 * v + 1)), groupStats('B', x, x.map((v) => 2 * v - 4))], 'A');
      expect(result.not_computed).toMatch(/fits the data exactly/);
      expectRelative(result.slope, 2, 1e-12);
      expectRelative(result.comparisons[0].difference, -5, 1e-12);
      expect(result.sse).toBe(0);
      expect(result.comparisons[0].p_value).toBeNull();
      expect(result.adjusted_means[0].se).toBeNull();
      expect(allNumbersFinite(result)).toBe(true);
    });
  });

  it('rejects a confidence level outside (0, 1): a programming error, not data', () => {
    expect(() => ancova([], 'A', 1)).toThrow(RangeError);
  });
});

/**
 * Least squares of y on [1, indicator of group 2, …, indicator of group k, x] by the normal equations,
 * solved with Gauss–Jordan elimination: an independent check of the sufficient-statistics formulas.
 */
function leastSquares(groups: ReadonlyArray<{ x: readonly number[]; y: readonly number[] }>): {
  beta: number[];
  inverse: number[][];
  sse: number;
  mse: number;
} {
  const rows: number[][] = [];
  const ys: number[] = [];
  groups.forEach((g, index) => {
    g.x.forEach((xi, i) => {
      rows.push([1, ...groups.slice(1).map((_, j) => (j + 1 === index ? 1 : 0)), xi]);
      ys.push(g.y[i]);
    });
  });
  const p = rows[0].length;
  const xtx = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => rows.reduce((s, r) => s + r[a] * r[b], 0)));
  const xty = Array.from({ length: p }, (_, a) => rows.reduce((s, r, i) => s + r[a] * ys[i], 0));
  const inverse = invert(xtx);
  const beta = inverse.map((row) => row.reduce((s, v, j) => s + v * xty[j], 0));
  const sse = rows.reduce((s, r, i) => s + (ys[i] - r.reduce((t, v, j) => t + v * beta[j], 0)) ** 2, 0);
  return { beta, inverse, sse, mse: sse / (rows.length - p) };
}

function invert(matrix: number[][]): number[][] {
  const size = matrix.length;
  const work = matrix.map((row, i) => [...row, ...Array.from({ length: size }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(work[r][col]) > Math.abs(work[pivot][col])) pivot = r;
    [work[col], work[pivot]] = [work[pivot], work[col]];
    const lead = work[col][col];
    for (let j = 0; j < 2 * size; j++) work[col][j] /= lead;
    for (let r = 0; r < size; r++) {
      if (r === col) continue;
      const factor = work[r][col];
      for (let j = 0; j < 2 * size; j++) work[r][j] -= factor * work[col][j];
    }
  }
  return work.map((row) => row.slice(size));
}
