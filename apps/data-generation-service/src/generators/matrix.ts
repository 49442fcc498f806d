/**
 * The few dense-matrix operations the value models and the comparison need, for the 4×4 case of
 * vital signs. Sums run in the order of the rows given: callers that promise results independent
 * of their input's order sort the rows first (floating-point addition is not associative).
 */

export type Vector = number[];
/** Row-major: `matrix[i][j]`. */
export type Matrix = number[][];

/** The mean of each column; NaN for every column when there are no rows. */
export function meanVector(rows: readonly Vector[], dimension: number): Vector {
  const sums = new Array<number>(dimension).fill(0);
  for (const row of rows) for (let j = 0; j < dimension; j += 1) sums[j] += row[j];
  return sums.map((sum) => sum / rows.length);
}

/** The sample covariance (divisor n − 1), computed from deviations about the mean (two passes, for accuracy); NaN below two rows. */
export function covarianceMatrix(rows: readonly Vector[], dimension: number): Matrix {
  const mean = meanVector(rows, dimension);
  const sums = zeros(dimension);
  for (const row of rows) {
    for (let i = 0; i < dimension; i += 1) {
      const di = row[i] - mean[i];
      for (let j = 0; j <= i; j += 1) sums[i][j] += di * (row[j] - mean[j]);
    }
  }
  const divisor = rows.length - 1;
  return sums.map((row, i) => row.map((_, j) => (divisor > 0 ? (j <= i ? sums[i][j] : sums[j][i]) / divisor : Number.NaN)));
}

/** The correlation matrix of a covariance matrix; NaN where a variance is zero (or not a number), 1 on the diagonal otherwise. */
export function correlationMatrix(covariance: Matrix): Matrix {
  const sds = covariance.map((row, i) => Math.sqrt(row[i]));
  return covariance.map((row, i) =>
    row.map((value, j) => {
      if (!(sds[i] > 0 && sds[j] > 0)) return Number.NaN;
      return i === j ? 1 : clamp(value / (sds[i] * sds[j]), -1, 1);
    }),
  );
}

/** The lower-triangular L with L·Lᵀ = matrix, or null when the matrix is not (numerically) positive definite. */
export function cholesky(matrix: Matrix): Matrix | null {
  const n = matrix.length;
  const lower = zeros(n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = matrix[i][j];
      for (let k = 0; k < j; k += 1) sum -= lower[i][k] * lower[j][k];
      if (i === j) {
        if (!(sum > 0)) return null;
        lower[i][i] = Math.sqrt(sum);
      } else {
        lower[i][j] = sum / lower[j][j];
      }
    }
  }
  return lower;
}

/**
 * A Cholesky factor even for a covariance that is only positive semi-definite (collinear data, a
 * constant variable): when the plain factorisation fails, a ridge is added to the diagonal,
 * starting at 1e-9 of the largest variance and growing tenfold until it succeeds. The ridge adds
 * that much variance to each variable, far below anything measurable, and is reported.
 */
export function choleskyWithRidge(covariance: Matrix): { lower: Matrix; ridge: number } {
  const plain = cholesky(covariance);
  if (plain) return { lower: plain, ridge: 0 };
  const largestVariance = Math.max(...covariance.map((row, i) => row[i]).filter(Number.isFinite), 0);
  let ridge = (largestVariance > 0 ? largestVariance : 1) * 1e-9;
  for (let attempt = 0; attempt < 40; attempt += 1, ridge *= 10) {
    const lower = cholesky(covariance.map((row, i) => row.map((value, j) => (i === j ? value + ridge : value))));
    if (lower) return { lower, ridge };
  }
  throw new RangeError('the covariance matrix has no Cholesky factor, even with a ridge (does it hold values that are not numbers?)');
}

/** `lower · z` for a lower-triangular matrix. */
export function multiplyLower(lower: Matrix, z: Vector): Vector {
  return lower.map((row, i) => {
    let sum = 0;
    for (let k = 0; k <= i; k += 1) sum += row[k] * z[k];
    return sum;
  });
}

/** The covariance whose Cholesky factor is `lower` (L·Lᵀ). */
export function fromCholesky(lower: Matrix): Matrix {
  return lower.map((rowI) => lower.map((rowJ) => rowI.reduce((sum, value, k) => sum + value * rowJ[k], 0)));
}

function zeros(n: number): Matrix {
  return Array.from({ length: n }, () => new Array<number>(n).fill(0));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
