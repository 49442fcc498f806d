import { zCritical } from '../statistics/index.js';

/**
 * The Wilson score interval of a proportion x/n: it stays inside [0, 1] and keeps its coverage
 * near the nominal level for small n and rates near 0 or 1, where the Wald interval fails
 * (Newcombe 1998, method 3). Null for n = 0.
 */
export function wilsonInterval(x: number, n: number, confidence = 0.95): { lower: number; upper: number } | null {
  if (n === 0) return null;
  const z = zCritical(confidence);
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  // At x = 0 (x = n) the bound is 0 (1) exactly; the formula leaves a rounding residue there.
  return { lower: x === 0 ? 0 : (centre - margin) / denominator, upper: x === n ? 1 : (centre + margin) / denominator };
}
