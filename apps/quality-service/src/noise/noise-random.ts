import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

const TWO_POW_26 = 67_108_864;
const TWO_POW_53 = 9_007_199_254_740_992;

/** One seeded xoroshiro128+ stream: uniform doubles and integers. */
export class NoiseStream {
  constructor(private readonly generator: JumpableRandomGenerator) {}

  /** 53 random bits from two draws, on [0, 1). */
  uniform(): number {
    const high = this.generator.next() >>> 5;
    const low = this.generator.next() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  /** Uniform in [min, max], both included. */
  integer(min: number, max: number): number {
    return uniformInt(this.generator, min, max);
  }
}

/**
 * Two non-overlapping streams (2^64 draws apart) of one seed: `choice` decides which records get
 * which kind of noise, `detail` what the noise looks like. Keeping them apart means a change of one
 * rate never moves another kind's choices. The state comes from sha256 of the seed: pure-rand's own
 * seeding starts from a poorly mixed state whose first draws are visibly correlated.
 */
export function noiseStreams(seed: number): { choice: NoiseStream; detail: NoiseStream } {
  const digest = createHash('sha256').update(`quality-noise-seed:${seed}`).digest();
  const state = [0, 4, 8, 12].map((offset) => digest.readInt32BE(offset));
  // All zeros is xoroshiro's one forbidden state; sha256 does not give it in practice, but never loop on it.
  if (!state.some((word) => word !== 0)) state[0] = 1;
  const cursor = xoroshiro128plusFromState(state);
  const choice = cursor.clone();
  cursor.jump();
  return { choice: new NoiseStream(choice), detail: new NoiseStream(cursor.clone()) };
}
