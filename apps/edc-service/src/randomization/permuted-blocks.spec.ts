import { type Assignment, assignmentAt, assignments, type BlockDesign, UnbalancedDesignError, usableBlockSizes } from './permuted-blocks.js';

const ONE_TO_ONE: BlockDesign = {
  arms: [
    { armCode: 'Active', allocationRatio: 1 },
    { armCode: 'Placebo', allocationRatio: 1 },
  ],
  blockSizes: [2, 4, 6],
};

const TWO_TO_ONE: BlockDesign = {
  arms: [
    { armCode: 'High', allocationRatio: 2 },
    { armCode: 'Low', allocationRatio: 1 },
  ],
  blockSizes: [3, 6],
};

/** The assignments grouped by block, in order. */
function blocksOf(sequence: Assignment[]): Assignment[][] {
  const blocks = new Map<number, Assignment[]>();
  for (const assignment of sequence) blocks.set(assignment.blockNumber, [...(blocks.get(assignment.blockNumber) ?? []), assignment]);
  return [...blocks.values()];
}

function countsOf(block: Assignment[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { armCode } of block) counts[armCode] = (counts[armCode] ?? 0) + 1;
  return counts;
}

describe('permuted blocks', () => {
  it.each([
    ['1:1', ONE_TO_ONE, { Active: 1, Placebo: 1 }],
    ['2:1', TWO_TO_ONE, { High: 2, Low: 1 }],
  ] as const)('balances every block by the ratios (%s)', (_name, design, ratio) => {
    const sequence = assignments('seed-1', 'site=S01', design, 600);
    const blocks = blocksOf(sequence);
    const complete = blocks.slice(0, -1);
    expect(complete.length).toBeGreaterThan(50);
    for (const block of complete) {
      expect(block.length).toBe(block[0].blockSize);
      expect(new Set(block.map((a) => a.blockSize)).size).toBe(1);
      const parts = block.length / Object.values(ratio).reduce((sum, share) => sum + share, 0);
      expect(countsOf(block)).toEqual(Object.fromEntries(Object.entries(ratio).map(([arm, share]) => [arm, share * parts])));
    }
    expect(blocks.map((block) => block[0].blockNumber)).toEqual(blocks.map((_, index) => index + 1));
  });

  it('uses several block sizes, each of them a size the design names', () => {
    const sizes = blocksOf(assignments('seed-1', 'site=S01', ONE_TO_ONE, 400)).map((block) => block[0].blockSize);
    expect(new Set(sizes)).toEqual(new Set([2, 4, 6]));
  });

  it('is reproducible from the seed and stratum', () => {
    expect(assignments('seed-1', 'site=S01', ONE_TO_ONE, 200)).toEqual(assignments('seed-1', 'site=S01', ONE_TO_ONE, 200));
  });

  it('gives other seeds and other strata other sequences', () => {
    const arms = (seed: string, stratum: string) => assignments(seed, stratum, ONE_TO_ONE, 64).map((a) => a.armCode).join(',');
    const base = arms('seed-1', 'site=S01');
    expect(arms('seed-2', 'site=S01')).not.toBe(base);
    expect(arms('seed-1', 'site=S02')).not.toBe(base);
    expect(arms('seed-1', 'site=S01|sex=F')).not.toBe(base);
  });

  it('does not let the seed and stratum run together (seed "a" + stratum "bc" differs from "ab" + "c")', () => {
    const arms = (seed: string, stratum: string) => assignments(seed, stratum, ONE_TO_ONE, 64).map((a) => a.armCode).join(',');
    expect(arms('a', 'bc')).not.toBe(arms('ab', 'c'));
  });

  it('answers one slot as the sequence has it', () => {
    const sequence = assignments('seed-3', 'site=S07', TWO_TO_ONE, 40);
    for (const slot of [1, 2, 3, 17, 40]) expect(assignmentAt('seed-3', 'site=S07', TWO_TO_ONE, slot)).toEqual(sequence[slot - 1]);
    expect(() => assignmentAt('seed-3', 'site=S07', TWO_TO_ONE, 0)).toThrow(RangeError);
  });

  it('depends on the arm order, which the study fixes (display order)', () => {
    const reversed: BlockDesign = { ...ONE_TO_ONE, arms: [...ONE_TO_ONE.arms].reverse() };
    const arms = (design: BlockDesign) => assignments('seed-1', 'site=S01', design, 64).map((a) => a.armCode).join(',');
    expect(arms(reversed)).not.toBe(arms(ONE_TO_ONE));
  });

  it('uses only the block sizes the ratios divide, and refuses a design with none or without arms', () => {
    expect(usableBlockSizes({ ...TWO_TO_ONE, blockSizes: [4, 6, 3, 6] })).toEqual([3, 6]);
    expect(() => usableBlockSizes({ ...TWO_TO_ONE, blockSizes: [4, 8] })).toThrow(UnbalancedDesignError);
    expect(() => usableBlockSizes({ ...TWO_TO_ONE, blockSizes: [4, 8] })).toThrow(/multiple of the sum of the allocation ratios \(3\)/);
    expect(() => usableBlockSizes({ arms: [], blockSizes: [4] })).toThrow(/no arms/);
    const sizes = blocksOf(assignments('seed-1', 'site=S01', { ...TWO_TO_ONE, blockSizes: [4, 6, 3] }, 300)).map((block) => block[0].blockSize);
    expect(new Set(sizes)).toEqual(new Set([3, 6]));
  });
});
