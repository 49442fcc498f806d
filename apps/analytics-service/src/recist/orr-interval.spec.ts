import { wilsonInterval } from './orr-interval.js';

/** Newcombe RG (1998), Two-sided confidence intervals for the single proportion, Stat Med 17:857-872, Table I, method 3 (Wilson score). */
const NEWCOMBE_1998: Array<[number, number, number, number]> = [
  [81, 263, 0.2553, 0.3662],
  [15, 148, 0.0624, 0.1605],
  [0, 20, 0, 0.1611],
  [1, 29, 0.0061, 0.1718],
];

describe('the Wilson score interval of an objective response rate', () => {
  it.each(NEWCOMBE_1998)('matches the published interval of %i/%i', (x, n, lower, upper) => {
    const interval = wilsonInterval(x, n)!;
    expect(interval.lower).toBeCloseTo(lower, 4);
    expect(interval.upper).toBeCloseTo(upper, 4);
  });

  it('is exactly 0 below no responders and 1 above all of them, and absent without subjects', () => {
    expect(wilsonInterval(0, 20)!.lower).toBe(0);
    expect(wilsonInterval(20, 20)!.upper).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});
