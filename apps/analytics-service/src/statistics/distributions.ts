import fCdfOf from '@stdlib/stats-base-dists-f-cdf';
import normalCdfOf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileOf from '@stdlib/stats-base-dists-normal-quantile';
import tCdfOf from '@stdlib/stats-base-dists-t-cdf';
import tQuantileOf from '@stdlib/stats-base-dists-t-quantile';

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  return tCdfOf(t, df);
}

/** The t value with P(T ≤ t) = p. */
export function tQuantile(p: number, df: number): number {
  return tQuantileOf(p, df);
}

/** P(F ≤ x) for the F distribution with (df1, df2) degrees of freedom. */
export function fCdf(x: number, df1: number, df2: number): number {
  return fCdfOf(x, df1, df2);
}

/**
 * P(F > x): the p-value of an F test. Computed as 1 − cdf, so it is exact to about 1e-16 in absolute
 * terms; p-values below that come out as 0 (reports print them as "< 0.0001" anyway).
 */
export function fUpperTail(x: number, df1: number, df2: number): number {
  return Math.max(0, 1 - fCdfOf(x, df1, df2));
}

/** Φ(x), the standard normal cdf (or that of N(mean, sd²)). */
export function normalCdf(x: number, mean = 0, sd = 1): number {
  return normalCdfOf(x, mean, sd);
}

/** The x with Φ(x) = p (standard normal unless mean/sd are given). */
export function normalQuantile(p: number, mean = 0, sd = 1): number {
  return normalQuantileOf(p, mean, sd);
}

/**
 * Two-sided p-value of a t statistic: 2·P(T ≤ −|t|). The lower tail is computed directly, never as
 * 1 − cdf(|t|), which would cancel to 0 for large |t|.
 */
export function twoSidedTPValue(t: number, df: number): number {
  return Math.min(1, 2 * tCdfOf(-Math.abs(t), df));
}

/** Two-sided p-value of a z statistic: 2·Φ(−|z|), the tail computed directly. */
export function twoSidedZPValue(z: number): number {
  return Math.min(1, 2 * normalCdfOf(-Math.abs(z), 0, 1));
}

/** The critical value of a two-sided interval with the given confidence, from Student's t. */
export function tCritical(confidence: number, df: number): number {
  return tQuantileOf(1 - (1 - confidence) / 2, df);
}

/** The critical value of a two-sided interval with the given confidence, from the standard normal. */
export function zCritical(confidence: number): number {
  return normalQuantileOf(1 - (1 - confidence) / 2, 0, 1);
}

/** Confidence levels are chosen by code, not by data: anything outside (0, 1) is a programming error. */
export function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);
}
