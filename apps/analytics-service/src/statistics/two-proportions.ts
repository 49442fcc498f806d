import { assertConfidence, twoSidedZPValue, zCritical } from './distributions.js';

export interface TwoProportionResult {
  p1: number | null;
  p2: number | null;
  /** p1 − p2. */
  difference: number | null;
  /** Unpooled standard error of the difference (the Wald interval's). */
  se: number | null;
  /** Wald interval: difference ± z·se (unpooled). */
  ci_lower: number | null;
  ci_upper: number | null;
  /** z = difference / pooled standard error (the test of p1 = p2). */
  z: number | null;
  /** Two-sided. */
  p_value: number | null;
  confidence: number;
  /** Why some numbers are null, in words; null when everything was computed. */
  not_computed: string | null;
}

/**
 * Difference of two proportions x1/n1 − x2/n2: Wald confidence interval (unpooled standard error) and
 * the two-sided z test with the pooled standard error (equal to the Pearson chi-square test without continuity correction).
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number, confidence = 0.95): TwoProportionResult {
  assertConfidence(confidence);
  assertCounts(x1, n1, 'first');
  assertCounts(x2, n2, 'second');
  const none = { p1: null, p2: null, difference: null, se: null, ci_lower: null, ci_upper: null, z: null, p_value: null, confidence };
  if (n1 === 0 || n2 === 0) return { ...none, not_computed: `the ${n1 === 0 ? 'first' : 'second'} group has no subjects` };

  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const difference = p1 - p2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const pooled = (x1 + x2) / (n1 + n2);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const reasons: string[] = [];
  let interval: Pick<TwoProportionResult, 'ci_lower' | 'ci_upper'> = { ci_lower: null, ci_upper: null };
  if (se > 0) {
    const margin = zCritical(confidence) * se;
    interval = { ci_lower: difference - margin, ci_upper: difference + margin };
  } else {
    reasons.push('both proportions are 0 or 1, so the Wald interval has no width and is not given');
  }
  let test: Pick<TwoProportionResult, 'z' | 'p_value'> = { z: null, p_value: null };
  if (pooledSe > 0) {
    const z = difference / pooledSe;
    test = { z, p_value: twoSidedZPValue(z) };
  } else {
    reasons.push(`every subject in both groups has the same outcome (${pooled === 0 ? 'none' : 'all'} of them), so there is nothing to test`);
  }
  return { p1, p2, difference, se, ...interval, ...test, confidence, not_computed: reasons.length > 0 ? reasons.join('; ') : null };
}

/** Counts come from SQL count(*): a negative, fractional or x > n count is a programming error, not data. */
function assertCounts(x: number, n: number, name: string): void {
  if (!(Number.isInteger(x) && Number.isInteger(n) && x >= 0 && n >= 0 && x <= n)) {
    throw new RangeError(`the ${name} group's counts must be whole numbers with 0 ≤ x ≤ n, got x=${x}, n=${n}`);
  }
}
