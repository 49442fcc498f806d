import { kolmogorovSurvival, ksDistance, ksTest } from './ks.js';

describe('ksDistance', () => {
  it('is 0 for identical samples, in any order', () => {
    expect(ksDistance([3, 1, 2, 2, 5], [5, 2, 1, 3, 2])).toBe(0);
  });

  it('gives the value worked by hand for a small example with ties', () => {
    // a = 1 2 2 3 5 (n = 5), b = 2 4 6 7 (m = 4).
    // x:    1    2    3    4    5    6    7
    // F_a: .2   .6   .8   .8    1    1    1
    // F_b:  0  .25  .25   .5   .5  .75    1
    // |Δ|: .2  .35  .55   .3   .5  .25    0   → D = 0.55 (at x = 3).
    // Stepping a's two 2s before b's 2 would wrongly see 0.6.
    expect(ksDistance([1, 2, 2, 3, 5], [2, 4, 6, 7])).toBeCloseTo(0.55, 12);
  });

  it('is the shift fraction for a sample shifted by half its range', () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    expect(ksDistance(a, a.map((x) => x + 50))).toBe(0.5);
  });

  it('is 1 for samples that do not overlap', () => {
    expect(ksDistance([1, 2, 3], [4, 5])).toBe(1);
  });

  it('refuses an empty sample or one holding something other than finite numbers', () => {
    expect(() => ksDistance([], [1])).toThrow('the first sample is empty');
    expect(() => ksDistance([1], [Number.NaN])).toThrow(RangeError);
  });
});

describe('kolmogorovSurvival', () => {
  // Tabulated Kolmogorov distribution: P(K ≤ 1) = 0.7300; the 5% and 1% critical values are 1.3581 and 1.6276.
  it('gives the tabulated values of the Kolmogorov distribution', () => {
    expect(kolmogorovSurvival(1)).toBeCloseTo(0.27, 4);
    expect(kolmogorovSurvival(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSurvival(1.6276)).toBeCloseTo(0.01, 4);
  });

  it('is 1 at 0 and falls towards 0', () => {
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(0.2)).toBeCloseTo(1, 9);
    expect(kolmogorovSurvival(3)).toBeLessThan(1e-7);
  });
});

describe('ksTest', () => {
  it('gives p = 1 for identical samples', () => {
    const a = Array.from({ length: 50 }, (_, i) => i % 7);
    expect(ksTest(a, [...a].reverse())).toEqual({ d: 0, pValue: 1 });
  });

  it('gives a tiny p-value for clearly shifted samples', () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    const { d, pValue } = ksTest(a, a.map((x) => x + 50));
    expect(d).toBe(0.5);
    expect(pValue).toBeLessThan(1e-9);
  });
});
