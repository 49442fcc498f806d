import { twoProportionTest } from './two-proportions.js';
import { allNumbersFinite, expectRelative, marsagliaNormalCdf, seededRandom } from './testing/reference-checks.js';

/*
 * Reference: hand computation for 30/100 against 15/100.
 *   p1 = 0.3, p2 = 0.15, difference = 0.15
 *   unpooled SE² = 0.3·0.7/100 + 0.15·0.85/100 = 0.003375
 *   95% Wald interval = 0.15 ± 1.95996398454005424·√0.003375   (Φ⁻¹(0.975), 30-digit multiple precision)
 *   pooled p = 45/200 = 0.225, pooled SE² = 0.225·0.775·(1/100 + 1/100) = 0.0034875
 *   z² = 0.15²/0.0034875 = 200/31, so z = √(200/31)
 *   Pearson's X² of the 2×2 table [[30, 70], [15, 85]] (expected 22.5, 77.5, 22.5, 77.5):
 *     2·7.5²/22.5 + 2·7.5²/77.5 = 200/31 as well (the z test is the chi-square test without continuity correction)
 *   p = 2·Φ(−z), with Φ from Marsaglia's series computed in the test (independent of the library).
 */
describe('twoProportionTest', () => {
  describe('30/100 against 15/100, by hand', () => {
    const result = twoProportionTest(30, 100, 15, 100);

    it('proportions and their difference', () => {
      expect(result.p1).toBe(0.3);
      expect(result.p2).toBe(0.15);
      expectRelative(result.difference, 0.15, 1e-12);
    });

    it('Wald interval with the unpooled standard error', () => {
      const se = Math.sqrt(0.003375);
      expectRelative(result.se, se, 1e-12);
      expectRelative(result.ci_lower, 0.15 - 1.95996398454005424 * se, 1e-10);
      expectRelative(result.ci_upper, 0.15 + 1.95996398454005424 * se, 1e-10);
      expect(result.confidence).toBe(0.95);
    });

    it('z with the pooled standard error, equal to √(Pearson X²) = √(200/31)', () => {
      expectRelative(result.z, Math.sqrt(200 / 31), 1e-12);
      const expected = [22.5, 77.5, 22.5, 77.5];
      const pearson = [30, 70, 15, 85].reduce((s, observed, i) => s + (observed - expected[i]) ** 2 / expected[i], 0);
      expectRelative((result.z as number) ** 2, pearson, 1e-12);
    });

    it('two-sided p = 2·Φ(−z)', () => {
      expectRelative(result.p_value, 2 * marsagliaNormalCdf(-Math.sqrt(200 / 31)), 1e-10);
      expect(result.not_computed).toBeNull();
    });
  });

  it('is antisymmetric when the groups are swapped: difference, z and interval negate; p stays', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 50; i++) {
      const n1 = 1 + Math.floor(random() * 300);
      const n2 = 1 + Math.floor(random() * 300);
      const x1 = Math.floor(random() * (n1 + 1));
      const x2 = Math.floor(random() * (n2 + 1));
      const ab = twoProportionTest(x1, n1, x2, n2);
      const ba = twoProportionTest(x2, n2, x1, n1);
      expect(ba.difference).toBeCloseTo(-(ab.difference as number), 14);
      if (ab.z !== null) expect(ba.z).toBeCloseTo(-ab.z, 12);
      if (ab.p_value !== null) expectRelative(ba.p_value, ab.p_value, 1e-12);
      if (ab.ci_lower !== null) expect(ba.ci_upper).toBeCloseTo(-ab.ci_lower, 14);
      expect(allNumbersFinite(ab)).toBe(true);
    }
  });

  it('gives a wider interval for a higher confidence', () => {
    const at95 = twoProportionTest(30, 100, 15, 100);
    const at99 = twoProportionTest(30, 100, 15, 100, 0.99);
    expect(at99.ci_lower as number).toBeLessThan(at95.ci_lower as number);
    expect(at99.ci_upper as number).toBeGreaterThan(at95.ci_upper as number);
    expect(at99.p_value).toBe(at95.p_value);
  });

  describe('says why, with nulls instead of numbers, when the data cannot support it', () => {
    it('an empty group', () => {
      const result = twoProportionTest(3, 10, 0, 0);
      expect(result).toEqual({
        p1: null,
        p2: null,
        difference: null,
        se: null,
        ci_lower: null,
        ci_upper: null,
        z: null,
        p_value: null,
        confidence: 0.95,
        not_computed: 'the second group has no subjects',
      });
    });

    it('the same outcome for everybody: proportions but no interval and no test', () => {
      const result = twoProportionTest(0, 12, 0, 20);
      expect([result.p1, result.p2, result.difference]).toEqual([0, 0, 0]);
      expect(result.ci_lower).toBeNull();
      expect(result.z).toBeNull();
      expect(result.p_value).toBeNull();
      expect(result.not_computed).toMatch(/Wald interval has no width.*same outcome \(none of them\)/);
    });

    it('0% against 100%: the test, but no Wald interval', () => {
      const result = twoProportionTest(0, 10, 10, 10);
      expect(result.difference).toBe(-1);
      expectRelative(result.z, -1 / Math.sqrt(0.25 * 0.2), 1e-12);
      expect(result.ci_lower).toBeNull();
      expect(result.not_computed).toMatch(/Wald interval has no width/);
    });
  });

  it('rejects impossible counts: a programming error, not data', () => {
    expect(() => twoProportionTest(11, 10, 1, 10)).toThrow(RangeError);
    expect(() => twoProportionTest(-1, 10, 1, 10)).toThrow(RangeError);
    expect(() => twoProportionTest(1.5, 10, 1, 10)).toThrow(RangeError);
  });
});
