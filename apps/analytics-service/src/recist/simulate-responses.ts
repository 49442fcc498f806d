import { createHash } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { type BestResponse, type ResponseProbabilities, responseOf } from './response-model.js';

export type ResponseCounts = Record<BestResponse, number>;

/**
 * The seeded stream of one arm: xoroshiro128+ from sha256 of the seed and the arm, so each arm's
 * draws depend on nothing else (a change to another arm's size or rates never moves them), and
 * pure-rand's own seeding (a poorly mixed first state) is not used.
 */
function armStream(seed: number, arm: string): RandomGenerator {
  const digest = createHash('sha256').update(`recist-seed:${seed}:${arm}`).digest();
  const state = [0, 4, 8, 12].map((offset) => digest.readInt32BE(offset));
  // All zeros is xoroshiro's one forbidden state; sha256 does not give it in practice.
  if (!state.some((word) => word !== 0)) state[0] = 1;
  return xoroshiro128plusFromState(state);
}

/** The best overall responses of `n` subjects of an arm, counted: the same seed, arm, n and probabilities give the same counts. */
export function simulateArm(seed: number, arm: string, n: number, probabilities: ResponseProbabilities): ResponseCounts {
  const counts: ResponseCounts = { CR: 0, PR: 0, SD: 0, PD: 0 };
  const generator = armStream(seed, arm);
  for (let subject = 0; subject < n; subject++) counts[responseOf(uniformFloat64(generator), probabilities)]++;
  return counts;
}
