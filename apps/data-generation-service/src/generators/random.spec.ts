import { poisson, SeededStream, StreamSource, SUBJECT_STREAM_PURPOSES, truncatedNormal, weightedIndex } from './random.js';
import { mean, sd, seOfMean, seOfProportion, seOfSd, Z } from './stats.test-support.js';

const draws = (count: number, draw: () => number): number[] => Array.from({ length: count }, draw);

describe('seeded random streams', () => {
  it('give the same numbers for the same seed, in every run', () => {
    const first = new StreamSource(42).nextSubject();
    const second = new StreamSource(42).nextSubject();
    expect(draws(20, () => first.values.uniform())).toEqual(draws(20, () => second.values.uniform()));
  });

  it('give other numbers for another seed, including seeds above 2^31', () => {
    const a = draws(5, () => new StreamSource(1).nextSubject().values.uniform());
    const b = new StreamSource(2).nextSubject().values;
    const c = new StreamSource(4_294_967_295).nextSubject().values;
    expect(draws(5, () => b.uniform())).not.toEqual(a);
    expect(draws(5, () => c.uniform())).not.toEqual(a);
  });

  it('refuse a seed outside 0..4294967295', () => {
    expect(() => new StreamSource(-1)).toThrow(RangeError);
    expect(() => new StreamSource(2 ** 32)).toThrow(RangeError);
    expect(() => new StreamSource(1.5)).toThrow(RangeError);
  });

  it("give a subject the same streams however much earlier subjects' streams were used", () => {
    const untouched = new StreamSource(7);
    untouched.nextSubject();
    const expected = untouched.nextSubject();
    const used = new StreamSource(7);
    const first = used.nextSubject();
    for (const purpose of SUBJECT_STREAM_PURPOSES) draws(1000, () => first[purpose].normal());
    const actual = used.nextSubject();
    for (const purpose of SUBJECT_STREAM_PURPOSES) expect(actual[purpose].uniform()).toBe(expected[purpose].uniform());
  });

  it("make a subject's streams for different purposes differ", () => {
    const streams = new StreamSource(3).nextSubject();
    const firsts = SUBJECT_STREAM_PURPOSES.map((purpose) => streams[purpose].uniform());
    expect(new Set(firsts).size).toBe(SUBJECT_STREAM_PURPOSES.length);
  });

  it("are uncorrelated across subjects: each position's draws across subjects are uniform", () => {
    const source = new StreamSource(1);
    const subjects = 4000;
    const byPosition: number[][] = Array.from({ length: 8 }, () => []);
    for (let s = 0; s < subjects; s += 1) {
      const stream = source.nextSubject().errorChoice;
      for (const position of byPosition) position.push(stream.uniform());
    }
    for (const position of byPosition) expect(Math.abs(mean(position) - 0.5)).toBeLessThan(Z * seOfMean(Math.sqrt(1 / 12), subjects));
  });

  it('give uniform doubles on [0, 1) with 53 random bits', () => {
    const stream = new StreamSource(5).nextSubject().values;
    const values = draws(50_000, () => stream.uniform());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(Math.abs(mean(values) - 0.5)).toBeLessThan(Z * seOfMean(Math.sqrt(1 / 12), values.length));
    // 53 bits: scaled by 2^53 every value is an integer, and some need more than 32 bits.
    expect(values.every((value) => Number.isInteger(value * 2 ** 53))).toBe(true);
    expect(values.some((value) => !Number.isInteger(value * 2 ** 32))).toBe(true);
  });

  it('give normal deviates with the asked mean and SD (polar method)', () => {
    const stream = new StreamSource(9).nextSubject().values;
    const values = draws(40_000, () => stream.normal(10, 3));
    expect(Math.abs(mean(values) - 10)).toBeLessThan(Z * seOfMean(3, values.length));
    expect(Math.abs(sd(values) - 3)).toBeLessThan(Z * seOfSd(3, values.length));
    const within1 = values.filter((value) => Math.abs(value - 10) < 3).length / values.length;
    expect(Math.abs(within1 - 0.6827)).toBeLessThan(Z * seOfProportion(0.6827, values.length));
  });

  it('give integers in [min, max], both ends included', () => {
    const stream = new StreamSource(11).nextSubject().values;
    const values = draws(5000, () => stream.integer(-2, 3));
    expect(new Set(values)).toEqual(new Set([-2, -1, 0, 1, 2, 3]));
    expect(() => stream.integer(3, 2)).toThrow(RangeError);
  });
});

describe('distributions on a stream', () => {
  const stream = (): SeededStream => new StreamSource(13).nextSubject().values as SeededStream;

  it('draw Poisson counts with the asked mean', () => {
    const random = stream();
    const counts = draws(20_000, () => poisson(random, 0.8));
    expect(Math.abs(mean(counts) - 0.8)).toBeLessThan(Z * seOfMean(Math.sqrt(0.8), counts.length));
    expect(poisson(random, 0)).toBe(0);
  });

  it('keep truncated normals inside their bounds', () => {
    const random = stream();
    const values = draws(5000, () => truncatedNormal(random, 75, 8, 60, 100));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...values)).toBeLessThanOrEqual(100);
  });

  it('draw indices with the given weights', () => {
    const random = stream();
    const picks = draws(20_000, () => weightedIndex(random, [1, 3]));
    const share = picks.filter((pick) => pick === 1).length / picks.length;
    expect(Math.abs(share - 0.75)).toBeLessThan(Z * seOfProportion(0.75, picks.length));
  });
});
