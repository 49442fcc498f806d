import { type GroupSummary, welchTest } from './welch.js';
import { expectPrinted, expectRelative, seededRandom, summarize } from './testing/reference-checks.js';

/*
 * Reference: R's documented example of t.test (R's ?t.test, "Welch Two Sample t-test"):
 *   t.test(extra ~ group, data = sleep)
 *   t = -1.8608, df = 17.776, p-value = 0.07939
 *   95 percent confidence interval: -3.3654832  0.2054832
 *   mean in group 1: 0.75, mean in group 2: 2.33
 * The sleep data (Cushny & Peebles, in R's datasets package), extra hours of sleep per patient.
 */
const SLEEP_GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('welchTest', () => {
  describe("reproduces R's t.test(extra ~ group, data = sleep)", () => {
    const result = welchTest(summarize(SLEEP_GROUP_1), summarize(SLEEP_GROUP_2));

    it('difference of the means 0.75 − 2.33', () => {
      expectRelative(result.difference, 0.75 - 2.33, 1e-12);
    });

    it('t, Welch–Satterthwaite df and the two-sided p-value, to every digit R prints', () => {
      expectPrinted(result.t, '-1.8608');
      expectPrinted(result.df, '17.776');
      expectPrinted(result.p_value, '0.07939');
    });

    it('the 95% confidence interval to the 8 significant digits R prints', () => {
      expectPrinted(result.ci_lower, '-3.3654832');
      expectPrinted(result.ci_upper, '0.2054832');
      expect(result.confidence).toBe(0.95);
      expect(result.not_computed).toBeNull();
    });

    it('the standard error is √(s1²/n1 + s2²/n2) and t = difference/se', () => {
      const a = summarize(SLEEP_GROUP_1);
      const b = summarize(SLEEP_GROUP_2);
      expectRelative(result.se, Math.sqrt(a.sd ** 2 / 10 + b.sd ** 2 / 10), 1e-12);
      expectRelative(result.t, (result.difference as number) / (result.se as number), 1e-12);
    });
  });

  it('is antisymmetric when the groups are swapped: difference, t and interval negate; df and p stay', () => {
    const random = seededRandom(10);
    for (let i = 0; i < 50; i++) {
      const a: GroupSummary = { n: 2 + Math.floor(random() * 40), mean: random() * 20 - 10, sd: 0.1 + random() * 5 };
      const b: GroupSummary = { n: 2 + Math.floor(random() * 40), mean: random() * 20 - 10, sd: 0.1 + random() * 5 };
      const ab = welchTest(a, b);
      const ba = welchTest(b, a);
      expectRelative(ba.difference, -(ab.difference as number), 1e-12);
      expectRelative(ba.t, -(ab.t as number), 1e-12);
      expectRelative(ba.ci_lower, -(ab.ci_upper as number), 1e-12);
      expectRelative(ba.ci_upper, -(ab.ci_lower as number), 1e-12);
      expectRelative(ba.df, ab.df as number, 1e-12);
      expectRelative(ba.p_value, ab.p_value as number, 1e-12);
    }
  });

  it('gives a wider interval for a higher confidence, around the same difference', () => {
    const a = summarize(SLEEP_GROUP_1);
    const b = summarize(SLEEP_GROUP_2);
    const at95 = welchTest(a, b);
    const at99 = welchTest(a, b, 0.99);
    expect(at99.confidence).toBe(0.99);
    expect(at99.ci_lower as number).toBeLessThan(at95.ci_lower as number);
    expect(at99.ci_upper as number).toBeGreaterThan(at95.ci_upper as number);
    expectRelative(((at99.ci_lower as number) + (at99.ci_upper as number)) / 2, at95.difference as number, 1e-12);
  });

  describe('says why, with nulls instead of numbers, when the data cannot support the test', () => {
    it('a group with a single value (its sd is null)', () => {
      const result = welchTest({ n: 1, mean: 5, sd: null }, { n: 8, mean: 3, sd: 1 });
      expect(result).toEqual({
        difference: 2,
        se: null,
        df: null,
        t: null,
        ci_lower: null,
        ci_upper: null,
        p_value: null,
        confidence: 0.95,
        not_computed: 'the first group has 1 value; the test needs at least 2 per group',
      });
    });

    it('an empty group: not even a difference', () => {
      const result = welchTest({ n: 6, mean: 5, sd: 1 }, { n: 0, mean: null, sd: null });
      expect(result.difference).toBeNull();
      expect(result.p_value).toBeNull();
      expect(result.not_computed).toBe('the second group has 0 values; the test needs at least 2 per group');
    });

    it('no variance in either group', () => {
      const result = welchTest({ n: 4, mean: 5, sd: 0 }, { n: 4, mean: 6, sd: 0 });
      expect(result.difference).toBe(-1);
      expect(result.t).toBeNull();
      expect(result.ci_lower).toBeNull();
      expect(result.not_computed).toMatch(/zero variance/);
    });

    it('a non-finite statistic', () => {
      const result = welchTest({ n: 4, mean: 5, sd: Number.NaN }, { n: 4, mean: 6, sd: 1 });
      expect(result.se).toBeNull();
      expect(result.not_computed).toBe('the first group has no finite standard deviation');
    });
  });

  it('rejects a confidence level outside (0, 1): a programming error, not data', () => {
    expect(() => welchTest({ n: 4, mean: 5, sd: 1 }, { n: 4, mean: 6, sd: 1 }, 95)).toThrow(RangeError);
  });
});
