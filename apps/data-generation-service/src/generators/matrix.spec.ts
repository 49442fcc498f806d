import { cholesky, choleskyWithRidge, correlationMatrix, covarianceMatrix, fromCholesky, meanVector, multiplyLower } from './matrix.js';

describe('meanVector and covarianceMatrix', () => {
  // Worked by hand: x = (1, 2, 3, 4), y = (2, 4, 6, 9). Means 2.5 and 5.25.
  // Deviations x: -1.5 -0.5 0.5 1.5; y: -3.25 -1.25 0.75 3.75.
  // Σdx² = 5, Σdy² = 10.5625 + 1.5625 + 0.5625 + 14.0625 = 26.75, Σdxdy = 4.875 + 0.625 + 0.375 + 5.625 = 11.5; divisor 3.
  const rows = [
    [1, 2],
    [2, 4],
    [3, 6],
    [4, 9],
  ];

  it('gives the column means', () => {
    expect(meanVector(rows, 2)).toEqual([2.5, 5.25]);
  });

  it('gives the sample covariance with divisor n − 1, symmetric', () => {
    const covariance = covarianceMatrix(rows, 2);
    expect(covariance[0][0]).toBeCloseTo(5 / 3, 12);
    expect(covariance[1][1]).toBeCloseTo(26.75 / 3, 12);
    expect(covariance[0][1]).toBeCloseTo(11.5 / 3, 12);
    expect(covariance[1][0]).toBe(covariance[0][1]);
  });

  it('has no covariance below two rows', () => {
    expect(covarianceMatrix([[1, 2]], 2).flat().every(Number.isNaN)).toBe(true);
  });
});

describe('correlationMatrix', () => {
  it('scales the covariance by the standard deviations, with ones on the diagonal', () => {
    const correlation = correlationMatrix([
      [4, 3],
      [3, 9],
    ]);
    expect(correlation).toEqual([
      [1, 0.5],
      [0.5, 1],
    ]);
  });

  it('is not a number where a variable does not vary', () => {
    const correlation = correlationMatrix([
      [4, 0],
      [0, 0],
    ]);
    expect(correlation[0][0]).toBe(1);
    expect(correlation[0][1]).toBeNaN();
    expect(correlation[1][1]).toBeNaN();
  });
});

describe('cholesky', () => {
  const covariance = [
    [4, 2, 0.4],
    [2, 10, 1],
    [0.4, 1, 0.09 + 0.04 + 0.0625],
  ];

  it('gives a lower-triangular factor L with L·Lᵀ equal to the matrix', () => {
    const lower = cholesky(covariance)!;
    expect(lower[0][1]).toBe(0);
    expect(lower[0][2]).toBe(0);
    expect(lower[1][2]).toBe(0);
    fromCholesky(lower).forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(covariance[i][j], 12)));
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(
      cholesky([
        [1, 1],
        [1, 1],
      ]),
    ).toBeNull();
  });
});

describe('choleskyWithRidge', () => {
  it('adds no ridge to a positive definite matrix', () => {
    expect(
      choleskyWithRidge([
        [4, 2],
        [2, 10],
      ]).ridge,
    ).toBe(0);
  });

  it('factors a singular matrix (collinear variables, a constant one) with a ridge tiny next to the variances', () => {
    const singular = [
      [100, 100, 0],
      [100, 100, 0],
      [0, 0, 0],
    ];
    const { lower, ridge } = choleskyWithRidge(singular);
    expect(ridge).toBeGreaterThan(0);
    expect(ridge).toBeLessThan(1e-3);
    fromCholesky(lower).forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(singular[i][j] + (i === j ? ridge : 0), 9)));
  });

  it('refuses a matrix holding values that are not numbers', () => {
    expect(() => choleskyWithRidge([[Number.NaN]])).toThrow(RangeError);
  });
});

describe('multiplyLower', () => {
  it('multiplies a lower-triangular matrix by a vector', () => {
    expect(
      multiplyLower(
        [
          [2, 0],
          [1, 3],
        ],
        [5, 7],
      ),
    ).toEqual([10, 26]);
  });
});
