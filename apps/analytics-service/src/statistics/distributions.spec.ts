import {
  fCdf,
  fUpperTail,
  normalCdf,
  normalQuantile,
  tCdf,
  tCritical,
  tQuantile,
  twoSidedTPValue,
  twoSidedZPValue,
  zCritical,
} from './distributions.js';
import { expectRelative, marsagliaNormalCdf } from './testing/reference-checks.js';

/*
 * References: closed forms of Student's t with 1 and 2 degrees of freedom and of the F distribution with
 * 2 numerator degrees of freedom (any textbook on the distributions, e.g. Johnson, Kotz & Balakrishnan,
 * Continuous Univariate Distributions, vol. 2, chapters 27–28):
 *   df = 1 (Cauchy):  cdf(t) = 1/2 + atan(t)/π,            two-sided p = (2/π)·atan(1/|t|),   quantile(p) = tan(π(p − 1/2))
 *   df = 2:           cdf(t) = 1/2 + t/(2·√(2 + t²)),      two-sided p = 2/(s·(s + |t|)), s = √(2 + t²),
 *                                                          quantile(p) = (2p − 1)/√(2p(1 − p))
 *   F(2, ν):          P(F > f) = (1 + 2f/ν)^(−ν/2)
 *   F(1, ν):          P(F > t²) = two-sided p of t with ν df
 * The p forms are rearranged so that they do not cancel for large |t| (1 − t/s = 2/(s(s + t))).
 */
const T_VALUES = [0.05, 0.3, 1, 1.7, 2.5, 4, 10, 63.7, 1e3, 1e6];
const PROBABILITIES = [1e-6, 0.001, 0.025, 0.1, 0.3, 0.45, 0.55, 0.7, 0.9, 0.975, 0.999, 1 - 1e-6];

describe('t distribution', () => {
  it('has the Cauchy cdf for 1 degree of freedom', () => {
    for (const t of [-3, -1.5, -0.2, 0.2, 1.5, 3]) expectRelative(tCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-10);
  });

  it('has the closed-form cdf for 2 degrees of freedom', () => {
    for (const t of [-3, -1.5, -0.2, 0.2, 1.5, 3]) expectRelative(tCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-10);
  });

  it('gives two-sided p-values accurate in the far tail (1 df)', () => {
    for (const t of T_VALUES) {
      const expected = (2 / Math.PI) * Math.atan(1 / t);
      expectRelative(twoSidedTPValue(t, 1), expected, 1e-10);
      expectRelative(twoSidedTPValue(-t, 1), expected, 1e-10);
    }
  });

  it('gives two-sided p-values accurate in the far tail (2 df)', () => {
    for (const t of T_VALUES) {
      const s = Math.sqrt(2 + t * t);
      expectRelative(twoSidedTPValue(t, 2), 2 / (s * (s + t)), 1e-10);
      expectRelative(twoSidedTPValue(-t, 2), 2 / (s * (s + t)), 1e-10);
    }
  });

  it('gives p = 1 for t = 0', () => {
    expect(twoSidedTPValue(0, 1)).toBe(1);
    expect(twoSidedTPValue(0, 17.5)).toBe(1);
  });

  it('inverts the cdf (closed-form quantiles for 1 and 2 df)', () => {
    for (const p of PROBABILITIES) {
      expectRelative(tQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-10);
      expectRelative(tQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-10);
    }
    expect(Math.abs(tQuantile(0.5, 7))).toBeLessThan(1e-15);
  });

  it('gives two-sided critical values from the closed-form quantiles', () => {
    // Closed form: (2·0.975 − 1)/√(2·0.975·0.025) = 0.95/√0.04875.
    expectRelative(tCritical(0.95, 2), 0.95 / Math.sqrt(0.04875), 1e-10);
    expectRelative(tCritical(0.9, 1), Math.tan(Math.PI * 0.45), 1e-10);
  });
});

describe('F distribution', () => {
  it('has the closed-form upper tail for 2 numerator degrees of freedom', () => {
    for (const df2 of [1, 3, 11, 40.5, 200]) {
      for (const f of [0.01, 0.5, 1, 2.61, 5, 9]) {
        const expected = (1 + (2 * f) / df2) ** (-df2 / 2);
        expectRelative(fUpperTail(f, 2, df2), expected, 1e-10);
        expectRelative(fCdf(f, 2, df2), 1 - expected, 1e-10);
      }
    }
  });

  it('equals the two-sided t test for 1 numerator degree of freedom', () => {
    for (const t of [0.3, 1, 2.5, 4]) {
      expectRelative(fUpperTail(t * t, 1, 1), (2 / Math.PI) * Math.atan(1 / t), 1e-10);
      const s = Math.sqrt(2 + t * t);
      expectRelative(fUpperTail(t * t, 1, 2), 2 / (s * (s + t)), 1e-10);
    }
  });

  it('gives p = 1 for F = 0', () => {
    expect(fUpperTail(0, 3, 10)).toBe(1);
  });
});

describe('normal distribution', () => {
  // Φ(−1), Φ(−2), Φ(−3) = erfc(−x/√2)/2, evaluated to 30 digits in multiple-precision arithmetic (mpmath's ncdf):
  // 0.158655253931457051…, 0.0227501319481792072…, 0.00134989803163009452… (the same as R's pnorm prints).
  it.each([
    [-1, 0.158655253931457],
    [-2, 0.0227501319481792],
    [-3, 0.00134989803163009],
  ])('Φ(%d) = %d', (x, expected) => {
    expectRelative(normalCdf(x), expected, 1e-12);
  });

  it("agrees with Marsaglia's series, computed independently in the test", () => {
    for (const x of [-4, -2.54, -1.2, -0.3, 0, 0.7, 1.96, 3.1]) expectRelative(normalCdf(x), marsagliaNormalCdf(x), 1e-10);
  });

  // Φ⁻¹(0.975) = √2·erfinv(0.95) = 1.95996398454005423552… (mpmath, 30 digits).
  it('has the two-sided 95% critical value 1.959963984540054 and inverts the cdf', () => {
    expectRelative(zCritical(0.95), 1.959963984540054, 1e-12);
    for (const p of PROBABILITIES) expectRelative(normalCdf(normalQuantile(p)), p, 1e-10);
  });

  it('computes the two-sided p-value from the tail directly', () => {
    expectRelative(twoSidedZPValue(-3), 2 * 0.00134989803163009, 1e-12);
    expectRelative(twoSidedZPValue(3), 2 * 0.00134989803163009, 1e-12);
    // Far beyond where 1 − Φ(z) would round to 0: Φ(−10) = erfc(10/√2)/2 = 7.61985302416052606597e-24
    // (evaluated to 30 digits in multiple-precision arithmetic, mpmath's ncdf).
    expectRelative(twoSidedZPValue(10), 2 * 7.61985302416052606597e-24, 1e-9);
  });

  it('supports a mean and standard deviation', () => {
    expectRelative(normalCdf(8, 10, 2), 0.158655253931457, 1e-12);
    expectRelative(normalQuantile(0.975, 10, 2), 10 + 2 * 1.959963984540054, 1e-12);
  });
});
