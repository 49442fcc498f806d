/** Assertions and reference computations shared by the statistics specs (test code only). */

/** |actual − expected| ≤ tolerance·|expected|: agreement to a relative precision. */
export function expectRelative(actual: number | null, expected: number, tolerance: number): void {
  expect(actual).not.toBeNull();
  const error = Math.abs((actual as number) - expected);
  if (!(error <= tolerance * Math.abs(expected))) {
    throw new Error(`expected ${actual} to equal ${expected} within relative ${tolerance} (relative error ${error / Math.abs(expected)})`);
  }
}

/** The value agrees with a printed figure to every digit printed: |actual − printed| ≤ half a unit of its last place. */
export function expectPrinted(actual: number | null, printed: string): void {
  expect(actual).not.toBeNull();
  const decimals = printed.includes('.') ? printed.length - printed.indexOf('.') - 1 : 0;
  const halfUnit = 0.5 * 10 ** -decimals;
  const error = Math.abs((actual as number) - Number(printed));
  if (!(error <= halfUnit * (1 + 1e-9))) throw new Error(`expected ${actual} to print as ${printed} (off by ${error})`);
}

/** Sample mean and standard deviation (n − 1) by the two-pass formula. */
export function summarize(values: readonly number[]): { n: number; mean: number; sd: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { n, mean, sd: Math.sqrt(ss / (n - 1)) };
}

/**
 * Φ(x) by Marsaglia's Taylor series, Φ(x) = 1/2 + φ(x)·(x + x³/3 + x⁵/(3·5) + …)
 * (G. Marsaglia, "Evaluating the Normal Distribution", Journal of Statistical Software 11(4), 2004):
 * an implementation independent of the library's, accurate to about 1e-15 absolute for |x| ≤ 6.
 */
export function marsagliaNormalCdf(x: number): number {
  let term = x;
  let total = x;
  for (let k = 1; k < 500; k++) {
    term *= (x * x) / (2 * k + 1);
    const next = total + term;
    if (next === total) break;
    total = next;
  }
  return 0.5 + total * Math.exp(-0.5 * x * x - LN_SQRT_TWO_PI);
}

const LN_SQRT_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Every number anywhere in the value is finite (no NaN, no ±Infinity). */
export function allNumbersFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allNumbersFinite);
  if (value !== null && typeof value === 'object') return Object.values(value).every(allNumbersFinite);
  return true;
}

/** A repeatable pseudo-random sequence in [0, 1) (mulberry32), so a failing case can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
