import { armProbabilities } from './response-model.js';
import { simulateArm } from './simulate-responses.js';

const active = armProbabilities({ cr: 0.1, pr: 0.25 }, 'x');

describe('simulated responses of an arm', () => {
  it('are the same for the same seed, arm, size and probabilities', () => {
    expect(simulateArm(7, 'Active', 500, active)).toEqual(simulateArm(7, 'Active', 500, active));
  });

  it('differ with the seed or the arm', () => {
    const first = simulateArm(7, 'Active', 500, active);
    expect(simulateArm(8, 'Active', 500, active)).not.toEqual(first);
    expect(simulateArm(7, 'Placebo', 500, active)).not.toEqual(first);
  });

  it('count every subject once', () => {
    const counts = simulateArm(1, 'Active', 1234, active);
    expect(counts.CR + counts.PR + counts.SD + counts.PD).toBe(1234);
  });

  it('extend, not redraw, when the arm grows: the first subjects keep their responses', () => {
    const all = armProbabilities({ cr: 1, pr: 0 }, 'x');
    expect(simulateArm(3, 'A', 10, all)).toEqual({ CR: 10, PR: 0, SD: 0, PD: 0 });
    const small = simulateArm(3, 'A', 100, active);
    const large = simulateArm(3, 'A', 101, active);
    expect(Object.values(large).reduce((a, b) => a + b) - Object.values(small).reduce((a, b) => a + b)).toBe(1);
    expect((['CR', 'PR', 'SD', 'PD'] as const).filter((key) => large[key] !== small[key])).toHaveLength(1);
  });

  it('come near the model over many subjects (within 4 binomial SDs)', () => {
    const n = 100_000;
    const counts = simulateArm(42, 'Active', n, active);
    for (const [key, p] of [['CR', active.cr], ['PR', active.pr], ['SD', active.sd], ['PD', active.pd]] as const) {
      expect(Math.abs(counts[key] - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    }
  });
});
