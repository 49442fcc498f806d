/** The two-sample Kolmogorov–Smirnov statistic and its asymptotic p-value. */

export interface KsResult {
  /** The largest distance between the two empirical distribution functions, in [0, 1]. */
  d: number;
  /**
   * The asymptotic p-value (Kolmogorov's distribution with Stephens' small-sample correction, as in
   * Numerical Recipes' `kstwo`). With ties, as in integer blood pressures, it is conservative.
   */
  pValue: number;
}

/** D = sup |F_a(x) − F_b(x)|, with tied values stepped together in both samples. */
export function ksDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const first = sortedSample(a, 'first');
  const second = sortedSample(b, 'second');
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < first.length && j < second.length) {
    const x = Math.min(first[i], second[j]);
    while (i < first.length && first[i] === x) i += 1;
    while (j < second.length && second[j] === x) j += 1;
    d = Math.max(d, Math.abs(i / first.length - j / second.length));
  }
  return d;
}

export function ksTest(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const d = ksDistance(a, b);
  const effectiveN = Math.sqrt((a.length * b.length) / (a.length + b.length));
  return { d, pValue: kolmogorovSurvival((effectiveN + 0.12 + 0.11 / effectiveN) * d) };
}

/** Q(λ) = P(K > λ) = 2 Σ_{k≥1} (−1)^(k−1) e^(−2k²λ²); 1 where the series has not converged (small λ, where Q is 1 to working precision). */
export function kolmogorovSurvival(lambda: number): number {
  const exponent = -2 * lambda * lambda;
  let sign = 2;
  let sum = 0;
  let previousTerm = 0;
  for (let k = 1; k <= 100; k += 1) {
    const term = sign * Math.exp(exponent * k * k);
    sum += term;
    if (Math.abs(term) <= 0.001 * previousTerm || Math.abs(term) <= 1e-8 * sum) return Math.min(1, Math.max(0, sum));
    sign = -sign;
    previousTerm = Math.abs(term);
  }
  return 1;
}

/** A typed array sorts numerically, natively, and about ten times faster than an array with a comparator (a million values in a comparison). */
function sortedSample(values: ArrayLike<number>, which: string): Float64Array {
  if (values.length === 0) throw new RangeError(`the ${which} sample is empty`);
  const sorted = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) sorted[i] = values[i];
  sorted.sort();
  // Sorted ascending, NaN last: the ends tell whether every value is finite.
  if (!Number.isFinite(sorted[0]) || !Number.isFinite(sorted[sorted.length - 1])) {
    throw new RangeError(`the ${which} sample holds a value that is not a finite number`);
  }
  return sorted;
}
