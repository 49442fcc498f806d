import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import type { RandomStream } from './dataset.js';

/**
 * Seeded random streams. One xoroshiro128+ sequence per dataset seed; every stream is a
 * non-overlapping stretch of it (2^64 draws apart), reached by `jump()`. Streams are handed out in
 * a fixed order (the study's first, then each subject's in subject order), so a subject's streams
 * cost a constant number of jumps and never depend on how many draws another stream made.
 *
 * Normal deviates come from Marsaglia's polar method on these uniforms rather than from
 * @stdlib/random-base-normal: that package would bring about 215 packages for one function, and
 * pure-rand is already a dependency.
 */

/** What each subject draws from, one stream per purpose: a change in one never moves another. */
export const SUBJECT_STREAM_PURPOSES = ['values', 'demographics', 'schedule', 'errorChoice', 'errorDetail', 'adverseEvents'] as const;
export type SubjectStreamPurpose = (typeof SUBJECT_STREAM_PURPOSES)[number];
export type SubjectStreams = Record<SubjectStreamPurpose, RandomStream>;

/** The study-wide streams, taken before any subject's. */
export const STUDY_STREAM_PURPOSES = ['allocation', 'sites'] as const;
export type StudyStreamPurpose = (typeof STUDY_STREAM_PURPOSES)[number];
export type StudyStreams = Record<StudyStreamPurpose, RandomStream>;

const TWO_POW_26 = 67_108_864;
const TWO_POW_53 = 9_007_199_254_740_992;

/** A RandomStream over one generator (which it advances). */
export class SeededStream implements RandomStream {
  private spareNormal: number | null = null;

  constructor(private readonly generator: JumpableRandomGenerator) {}

  /** 53 random bits (27 + 26 from two draws), as Math.random-style doubles on [0, 1). */
  uniform(): number {
    const high = this.generator.next() >>> 5;
    const low = this.generator.next() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * spare;
    }
    // Marsaglia's polar method: a point uniform in the unit disc gives two independent normals.
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s === 0 || s >= 1) continue;
      const factor = Math.sqrt((-2 * Math.log(s)) / s);
      this.spareNormal = v * factor;
      return mean + sd * u * factor;
    }
  }

  integer(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) throw new RangeError(`no integer between ${min} and ${max}`);
    return uniformInt(this.generator, min, max);
  }
}

/**
 * Hands out the streams of one dataset in order: `study()` once, then `nextSubject()` per subject,
 * walking the subjects in order (each costs a constant number of jumps).
 */
export class StreamSource {
  private readonly cursor: JumpableRandomGenerator;
  private studyTaken = false;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new RangeError(`a seed is an integer from 0 to 4294967295 (got ${seed})`);
    this.cursor = seededGenerator(seed);
  }

  study(): StudyStreams {
    if (this.studyTaken) throw new Error('the study streams are taken once, before the subjects');
    this.studyTaken = true;
    return this.take(STUDY_STREAM_PURPOSES);
  }

  nextSubject(): SubjectStreams {
    if (!this.studyTaken) this.study();
    return this.take(SUBJECT_STREAM_PURPOSES);
  }

  private take<P extends string>(purposes: readonly P[]): Record<P, RandomStream> {
    const streams = {} as Record<P, RandomStream>;
    for (const purpose of purposes) {
      this.cursor.jump();
      streams[purpose] = new SeededStream(this.cursor.clone());
    }
    return streams;
  }
}

/**
 * The 128-bit starting state from sha256 of the seed. pure-rand's own `xoroshiro128plus(seed)`
 * starts from a nearly all-ones-and-zeros state, and streams jumped from it stay visibly
 * correlated in their first draws; a hashed state is well mixed from the first draw.
 */
function seededGenerator(seed: number): JumpableRandomGenerator {
  const digest = createHash('sha256').update(`data-generation-seed:${seed}`).digest();
  const state = [0, 4, 8, 12].map((offset) => digest.readInt32BE(offset));
  // xoroshiro's one forbidden state (all zeros) does not come out of sha256 in practice; never loop on it.
  if (!state.some((word) => word !== 0)) state[0] = 1;
  return xoroshiro128plusFromState(state);
}

/** One index drawn with the given weights (need not sum to 1). */
export function weightedIndex(random: RandomStream, weights: readonly number[]): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let threshold = random.uniform() * total;
  for (let index = 0; index < weights.length; index += 1) {
    threshold -= weights[index];
    if (threshold < 0) return index;
  }
  return weights.length - 1;
}

/** One of `choices` drawn with their weights. */
export function weightedChoice<T>(random: RandomStream, choices: ReadonlyArray<readonly [T, number]>): T {
  // weightedIndex's arithmetic, without building the weights' array on every draw.
  let total = 0;
  for (const choice of choices) total += choice[1];
  let threshold = random.uniform() * total;
  for (const choice of choices) {
    threshold -= choice[1];
    if (threshold < 0) return choice[0];
  }
  return choices[choices.length - 1][0];
}

/** A Poisson count (Knuth's product of uniforms: fine for the small means adverse events use). */
export function poisson(random: RandomStream, mean: number): number {
  if (!(mean > 0)) return 0;
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = random.uniform(); product > limit; product *= random.uniform()) count += 1;
  return count;
}

/**
 * A normal deviate kept inside [min, max] by drawing again (a truncated normal); after `tries`
 * misses, the last draw is clamped, so a pathological range never loops forever.
 */
export function truncatedNormal(random: RandomStream, mean: number, sd: number, min: number, max: number, tries = 100): number {
  let value = mean;
  for (let attempt = 0; attempt < tries; attempt += 1) {
    value = random.normal(mean, sd);
    if (value >= min && value <= max) return value;
  }
  return Math.min(max, Math.max(min, value));
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(random: RandomStream, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = random.integer(0, i);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
