import { assertConfidence, tCritical, twoSidedTPValue } from './distributions.js';

/** One group as descriptive statistics give it: size, mean and sample standard deviation (n − 1). */
export interface GroupSummary {
  n: number;
  mean: number | null;
  /** Sample standard deviation; null when n < 2 (as descriptive tables report it). */
  sd: number | null;
}

export interface WelchResult {
  /** a.mean − b.mean; null only when a group has no values. */
  difference: number | null;
  se: number | null;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number | null;
  t: number | null;
  ci_lower: number | null;
  ci_upper: number | null;
  /** Two-sided. */
  p_value: number | null;
  confidence: number;
  /** Why the test statistics are null, in words; null when everything was computed. */
  not_computed: string | null;
}

interface UsableGroup {
  n: number;
  mean: number;
  sd: number;
}

/** Welch's unequal-variances t test of a.mean − b.mean, with its two-sided p-value and confidence interval. */
export function welchTest(a: GroupSummary, b: GroupSummary, confidence = 0.95): WelchResult {
  assertConfidence(confidence);
  const meanA = meanOf(a);
  const meanB = meanOf(b);
  const difference = meanA !== null && meanB !== null ? meanA - meanB : null;
  const first = usable(a, 'first');
  if (typeof first === 'string') return empty(difference, confidence, first);
  const second = usable(b, 'second');
  if (typeof second === 'string') return empty(difference, confidence, second);

  const diff = first.mean - second.mean;
  const varA = first.sd ** 2 / first.n;
  const varB = second.sd ** 2 / second.n;
  const se = Math.sqrt(varA + varB);
  if (!(se > 0) || !Number.isFinite(se)) {
    return empty(diff, confidence, 'both groups have zero variance, so the standard error is zero and the test is undefined');
  }
  const df = (varA + varB) ** 2 / (varA ** 2 / (first.n - 1) + varB ** 2 / (second.n - 1));
  const t = diff / se;
  const margin = tCritical(confidence, df) * se;
  return {
    difference: diff,
    se,
    df,
    t,
    ci_lower: diff - margin,
    ci_upper: diff + margin,
    p_value: twoSidedTPValue(t, df),
    confidence,
    not_computed: null,
  };
}

function meanOf(group: GroupSummary): number | null {
  return group.n >= 1 && group.mean !== null && Number.isFinite(group.mean) ? group.mean : null;
}

/** The group's numbers when the test can use them, else why not. */
function usable(group: GroupSummary, name: string): UsableGroup | string {
  if (!(group.n >= 2)) return `the ${name} group has ${group.n} value${group.n === 1 ? '' : 's'}; the test needs at least 2 per group`;
  if (group.mean === null || !Number.isFinite(group.mean)) return `the ${name} group has no finite mean`;
  if (group.sd === null || !Number.isFinite(group.sd) || group.sd < 0) return `the ${name} group has no finite standard deviation`;
  return { n: group.n, mean: group.mean, sd: group.sd };
}

function empty(difference: number | null, confidence: number, reason: string): WelchResult {
  return { difference, se: null, df: null, t: null, ci_lower: null, ci_upper: null, p_value: null, confidence, not_computed: reason };
}
