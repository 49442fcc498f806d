import { defaultDesign } from './default-design.js';
import type { TrialDesign } from './dataset.js';
import { GenerationParameterError, splitByRatio, withDefaults } from './parameters.js';

const design = defaultDesign('RA001');
const twoToOne: TrialDesign = { ...design, arms: [{ armCode: 'Active', allocationRatio: 2 }, { armCode: 'Placebo', allocationRatio: 1 }] };

describe('generation parameters', () => {
  it('fill every parameter with its default', () => {
    expect(withDefaults('rules', {}, design)).toEqual({
      protocol_id: 'RA001',
      n_per_arm: 50,
      n_total: 100,
      arm_counts: [
        { arm: 'Active', subjects: 50 },
        { arm: 'Placebo', subjects: 50 },
      ],
      sites: ['S01', 'S02', 'S03'],
      seed: 1,
      reference_date: '2025-01-06',
      enrolment_days: 90,
      first_subject_number: 1,
      missing_rate: 0,
      dropout_rate: 0,
      errors: { out_of_range: 0, swapped_bp: 0, unit_flip: 0, typo: 0, duplicate_visit: 0, arm_switch: 0 },
      ae_rates: { Active: 0.8, Placebo: 0.5 },
      serious_rate: 0.05,
      target_effect: -5,
      effect_visit: 'Week 12',
    });
  });

  it('carry the rules settings only for rules and the jitter only for bootstrap', () => {
    expect(withDefaults('mvn', {}, design)).not.toHaveProperty('target_effect');
    expect(withDefaults('mvn', {}, design)).not.toHaveProperty('jitter');
    expect(withDefaults('bootstrap', {}, design).jitter).toBe(0.05);
  });

  it('split n_total by the allocation ratios, remainders to the first arms in display order', () => {
    expect(withDefaults('rules', { n_total: 10 }, twoToOne).arm_counts).toEqual([
      { arm: 'Active', subjects: 7 },
      { arm: 'Placebo', subjects: 3 },
    ]);
    expect(splitByRatio(7, [{ armCode: 'A', allocationRatio: 1 }, { armCode: 'B', allocationRatio: 1 }, { armCode: 'C', allocationRatio: 1 }])).toEqual([
      { arm: 'A', subjects: 3 },
      { arm: 'B', subjects: 2 },
      { arm: 'C', subjects: 2 },
    ]);
    expect(withDefaults('rules', { n_total: 10 }, twoToOne).n_per_arm).toBeNull();
  });

  it('give n_per_arm subjects to every arm whatever the ratio', () => {
    expect(withDefaults('rules', { n_per_arm: 4 }, twoToOne).arm_counts.map((arm) => arm.subjects)).toEqual([4, 4]);
  });

  it('refuse n_per_arm with n_total, and n_total below the number of arms', () => {
    expect(() => withDefaults('rules', { n_per_arm: 2, n_total: 4 }, design)).toThrow(GenerationParameterError);
    expect(() => withDefaults('rules', { n_total: 1 }, design)).toThrow(/at least the number of arms/);
  });

  it("take the study's own sites first, then S01, S02, ... not already used", () => {
    expect(withDefaults('rules', { sites: 3 }, { ...design, sites: ['S02', 'BOS'] }).sites).toEqual(['S02', 'BOS', 'S01']);
    expect(withDefaults('rules', { sites: ['X1', 'X2'] }, design).sites).toEqual(['X1', 'X2']);
    expect(() => withDefaults('rules', { sites: ['X1', 'X1'] }, design)).toThrow(GenerationParameterError);
    expect(() => withDefaults('rules', { sites: 100 }, design)).toThrow(GenerationParameterError);
  });

  it('give the default study when the design has no visits or arms', () => {
    const empty: TrialDesign = { protocolId: 'P9', subjectIdFormat: null, baselineVisit: null, arms: [], visits: [], sites: [] };
    const parameters = withDefaults('rules', {}, empty);
    expect(parameters.arm_counts.map((arm) => arm.arm)).toEqual(['Active', 'Placebo']);
    expect(parameters.effect_visit).toBe('Week 12');
  });

  it('refuse values that do not fit the design or the calendar', () => {
    expect(() => withDefaults('rules', { effect_visit: 'Week 99' }, design)).toThrow(/effect_visit/);
    expect(() => withDefaults('rules', { ae_rates: { Drug: 1 } }, design)).toThrow(/ae_rates.Drug/);
    expect(() => withDefaults('rules', { reference_date: '2025-02-30' }, design)).toThrow(/reference_date/);
    expect(() => withDefaults('rules', { protocol_id: 'OTHER' }, design)).toThrow(/protocol_id/);
    expect(() => withDefaults('rules', { missing_rate: 1.5 }, design)).toThrow(/missing_rate/);
    expect(() => withDefaults('rules', { errors: { typo: -0.1 } }, design)).toThrow(/errors.typo/);
    expect(() => withDefaults('rules', { seed: 2 ** 32 }, design)).toThrow(/seed/);
  });

  it('take arms other than Active and Placebo with an adverse-event rate of 0.5 by default', () => {
    const threeArms: TrialDesign = { ...design, arms: [...design.arms, { armCode: 'Low dose', allocationRatio: 1 }] };
    expect(withDefaults('ae', { ae_rates: { Active: 1.2 } }, threeArms).ae_rates).toEqual({ Active: 1.2, Placebo: 0.5, 'Low dose': 0.5 });
  });
});
