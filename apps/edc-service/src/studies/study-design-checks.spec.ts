import { baselineProblems, blockSizeProblems, lcm, repeatedKeys, statusChangeProblem } from './study-design-checks.js';
import type { StudyArm, StudyVisit } from './study-design.js';

const arm = (armCode: string, allocationRatio: number): StudyArm => ({ armCode, allocationRatio, description: null, displayOrder: 1 });
const visit = (visitName: string): StudyVisit => ({ visitName, plannedDay: 1, windowBefore: 0, windowAfter: 0, required: true, displayOrder: 1 });

describe('study design checks', () => {
  it('names each repeated key with where it first appeared', () => {
    expect(repeatedKeys('sites', [{ id: 'S01' }, { id: 'S02' }, { id: 'S01' }], 'site_id', (site) => site.id)).toEqual([
      { field: 'sites[2].site_id', problems: ['"S01" is already sites[0]; each must be unique'] },
    ]);
  });

  it('wants block sizes that are multiples of the allocation ratios sum', () => {
    expect(blockSizeProblems([4, 6], [arm('A', 1), arm('P', 1)])).toEqual([]);
    expect(blockSizeProblems([3, 6], [arm('A', 2), arm('P', 1)])).toEqual([]);
    const [problem] = blockSizeProblems([4, 5], [arm('A', 2), arm('P', 1)]);
    expect(problem.field).toBe('randomization.block_sizes');
    expect(problem.problems[0]).toMatch(/4, 5 are not multiples of 3, the sum of the arms' allocation ratios \(A 2, P 1\)/);
    expect(blockSizeProblems([5], [])).toEqual([]);
    expect(lcm(2, 3)).toBe(6);
  });

  it('wants the baseline visit in the schedule', () => {
    expect(baselineProblems('Day 1', [visit('Screening'), visit('Day 1')])).toEqual([]);
    expect(baselineProblems(null, [])).toEqual([]);
    expect(baselineProblems('Day 2', [visit('Day 1')])[0].problems[0]).toMatch(/"Day 2" is not a visit of the schedule \(visits: Day 1\)/);
  });

  it('allows set up → enrolling → closed and reopening with a reason', () => {
    expect(statusChangeProblem('set_up', 'enrolling', undefined)).toBeNull();
    expect(statusChangeProblem('enrolling', 'closed', undefined)).toBeNull();
    expect(statusChangeProblem('closed', 'enrolling', 'amendment')).toBeNull();
    expect(statusChangeProblem('closed', 'enrolling', undefined)).toMatch(/needs a reason/);
    expect(statusChangeProblem('enrolling', 'set_up', 'x')).toMatch(/cannot go from enrolling to set_up/);
    expect(statusChangeProblem('set_up', 'closed', 'x')).toMatch(/cannot go from set_up to closed/);
    expect(statusChangeProblem('closed', 'closed', undefined)).toBeNull();
  });
});
