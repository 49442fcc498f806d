import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** What the blocks are made of: the arms in a fixed order with their allocation ratios, and the block sizes to choose from. */
export interface BlockDesign {
  /** In the study's display order: the order is part of what makes the sequence reproducible. */
  arms: ReadonlyArray<{ armCode: string; allocationRatio: number }>;
  blockSizes: readonly number[];
}

export interface Assignment {
  armCode: string;
  /** 1-based, within the stratum. */
  blockNumber: number;
  blockSize: number;
}

/** A design whose blocks cannot be balanced (no arms, or no block size that the ratios divide). */
export class UnbalancedDesignError extends Error {}

/**
 * Stratified permuted blocks as a pure function: the whole sequence of a stratum follows from the
 * study's secret seed and the stratum key. Each block's size is drawn from the usable sizes, then
 * the block holds every arm `ratio × size / Σratios` times, shuffled (Fisher–Yates). Nothing is
 * stored ahead of use: slot n is found by replaying the stream up to it.
 */
export function* permutedBlocks(seed: string, stratum: string, design: BlockDesign): Generator<Assignment> {
  const sizes = usableBlockSizes(design);
  const rng = generatorFor(seed, stratum);
  for (let blockNumber = 1; ; blockNumber += 1) {
    const blockSize = sizes[uniformInt(rng, 0, sizes.length - 1)];
    for (const armCode of shuffle(rng, blockContents(design, blockSize))) yield { armCode, blockNumber, blockSize };
  }
}

/** The assignment of the 1-based slot `slotNumber` of a stratum. */
export function assignmentAt(seed: string, stratum: string, design: BlockDesign, slotNumber: number): Assignment {
  if (!Number.isInteger(slotNumber) || slotNumber < 1) throw new RangeError(`slot numbers start at 1 (got ${slotNumber})`);
  let slot = 0;
  for (const assignment of permutedBlocks(seed, stratum, design)) {
    slot += 1;
    if (slot === slotNumber) return assignment;
  }
  throw new Error('unreachable: the block stream is endless');
}

/** The first `length` assignments of a stratum, in slot order. */
export function assignments(seed: string, stratum: string, design: BlockDesign, length: number): Assignment[] {
  const taken: Assignment[] = [];
  if (length <= 0) return taken;
  for (const assignment of permutedBlocks(seed, stratum, design)) {
    taken.push(assignment);
    if (taken.length === length) break;
  }
  return taken;
}

/** The block sizes of the design that the ratios divide, ascending; refuses a design with none. */
export function usableBlockSizes(design: BlockDesign): number[] {
  if (design.arms.length === 0) throw new UnbalancedDesignError('the study has no arms to randomize to');
  const ratioSum = design.arms.reduce((sum, arm) => sum + arm.allocationRatio, 0);
  const sizes = [...new Set(design.blockSizes)].filter((size) => Number.isInteger(size) && size > 0 && size % ratioSum === 0).sort((a, b) => a - b);
  if (sizes.length === 0) {
    throw new UnbalancedDesignError(
      `no block size (${design.blockSizes.join(', ') || 'none'}) is a multiple of the sum of the allocation ratios (${ratioSum})`,
    );
  }
  return sizes;
}

/** One block before shuffling: each arm as often as its share of the block. */
function blockContents(design: BlockDesign, blockSize: number): string[] {
  const ratioSum = design.arms.reduce((sum, arm) => sum + arm.allocationRatio, 0);
  return design.arms.flatMap((arm) => Array.from({ length: (arm.allocationRatio * blockSize) / ratioSum }, () => arm.armCode));
}

function shuffle(rng: RandomGenerator, items: string[]): string[] {
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = uniformInt(rng, 0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return shuffled;
}

/** A 128-bit generator state from sha256(seed, stratum): one independent stream per stratum. */
function generatorFor(seed: string, stratum: string): RandomGenerator {
  const digest = createHash('sha256').update(seed).update('\u0000').update(stratum).digest();
  const state = [0, 4, 8, 12].map((offset) => digest.readInt32BE(offset));
  // xoroshiro's one forbidden state; a sha256 prefix of zeros is not going to happen, but never loop on it.
  if (!state.some((word) => word !== 0)) state[0] = 1;
  return xoroshiro128plusFromState(state);
}
