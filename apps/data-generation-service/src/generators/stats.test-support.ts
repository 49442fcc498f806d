/** Sample moments for the distribution tests. */
export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function sd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

export function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i += 1) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Four standard errors: a correct generator misses this about once in 16,000 checks. */
export const Z = 4;
export const seOfMean = (sdValue: number, n: number): number => sdValue / Math.sqrt(n);
/** Standard error of a normal sample's SD. */
export const seOfSd = (sdValue: number, n: number): number => sdValue / Math.sqrt(2 * (n - 1));
/** Standard error of a correlation near rho. */
export const seOfCorrelation = (rho: number, n: number): number => (1 - rho * rho) / Math.sqrt(n - 1);
/** Standard error of a proportion. */
export const seOfProportion = (p: number, n: number): number => Math.sqrt((p * (1 - p)) / n);
