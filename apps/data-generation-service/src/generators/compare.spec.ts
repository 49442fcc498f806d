import { compareDatasets } from './compare.js';
import type { SourceRow } from './dataset.js';

const row = (subject: string, arm: string, visit: string, systolic: number, diastolic = 80, heartRate = 70, temperature = 36.8): SourceRow => ({
  subject,
  arm,
  visit,
  systolic,
  diastolic,
  heartRate,
  temperature,
});

/** A varied dataset: diastolic follows systolic, heart rate and temperature cycle on their own. */
function dataset(count: number, shift = 0): SourceRow[] {
  return Array.from({ length: count }, (_, i) =>
    row(
      `S-${String(i).padStart(3, '0')}`,
      i % 2 === 0 ? 'Active' : 'Placebo',
      ['Day 1', 'Week 4'][i % 3 === 0 ? 0 : 1],
      110 + ((i * 7) % 41) + shift,
      70 + ((i * 7) % 41) / 2 + (i % 5),
      60 + ((i * 13) % 37),
      36.2 + ((i * 3) % 11) / 10,
    ),
  );
}

describe('compareDatasets', () => {
  const source = dataset(120);

  it('finds no difference between a dataset and itself (rows in another order)', () => {
    const comparison = compareDatasets(source, [...source].reverse());
    for (const variables of [comparison.overall, ...comparison.by_visit.map((v) => v.variables), ...comparison.by_arm_visit.map((v) => v.variables)]) {
      for (const variable of Object.values(variables)) {
        expect(variable).toMatchObject({ mean_difference: 0, sd_ratio: 1, ks_d: 0, ks_p_value: 1 });
        expect(variable.generated).toEqual(variable.source);
      }
    }
    expect(comparison.correlation.absolute_difference.flat().every((value) => value === 0)).toBe(true);
    expect(comparison.correlation.max_absolute_difference).toBe(0);
    expect(comparison.correlation.generated).toEqual(comparison.correlation.source);
  });

  it('gives the figures worked by hand for a small example', () => {
    // Source systolic 120 130 140 (mean 130, SD 10); generated 125 135 145 (mean 135, SD 10).
    // ECDFs differ by at most 1/3 (e.g. at 120: 1/3 against 0).
    const comparison = compareDatasets(
      [row('a', 'A', 'V', 120), row('b', 'A', 'V', 130), row('c', 'A', 'V', 140)],
      [row('x', 'A', 'V', 125), row('y', 'A', 'V', 135), row('z', 'A', 'V', 145)],
    );
    expect(comparison.overall.systolic_bp).toMatchObject({
      source: { n: 3, mean: 130, sd: 10 },
      generated: { n: 3, mean: 135, sd: 10 },
      mean_difference: 5,
      sd_ratio: 1,
      ks_d: 0.3333,
    });
  });

  it('shows a shifted dataset: mean difference the shift, a large KS distance and a tiny p-value', () => {
    const systolic = compareDatasets(source, dataset(120, 30)).overall.systolic_bp;
    expect(systolic.mean_difference).toBe(30);
    expect(systolic.sd_ratio).toBe(1);
    expect(systolic.ks_d!).toBeGreaterThan(0.6);
    expect(systolic.ks_p_value!).toBeLessThan(1e-6);
  });

  it('measures how far correlations moved', () => {
    // Generated diastolic falls as systolic rises: the systolic–diastolic correlation changes sign.
    const reversed = source.map((r) => ({ ...r, diastolic: 160 - r.diastolic }));
    const { correlation } = compareDatasets(source, reversed);
    expect(correlation.variables).toEqual(['systolic_bp', 'diastolic_bp', 'heart_rate', 'temperature']);
    expect(correlation.source[0][1]!).toBeGreaterThan(0.9);
    expect(correlation.generated[0][1]).toBeCloseTo(-correlation.source[0][1]!, 4);
    expect(correlation.absolute_difference[0][1]).toBeCloseTo(2 * correlation.source[0][1]!, 3);
    expect(correlation.max_absolute_difference).toBe(Math.max(...correlation.absolute_difference.flat().map((value) => value ?? 0)));
  });

  it('compares per visit and per arm and visit, in order of first appearance', () => {
    const comparison = compareDatasets(source, [...source, row('new', 'Active', 'Week 12', 120)]);
    expect(comparison.by_visit.map((v) => v.visit)).toEqual(['Day 1', 'Week 4', 'Week 12']);
    expect(comparison.by_arm_visit.map((v) => `${v.arm}/${v.visit}`)).toEqual(['Active/Day 1', 'Active/Week 4', 'Active/Week 12', 'Placebo/Day 1', 'Placebo/Week 4']);
    const day1 = comparison.by_visit[0].variables.heart_rate;
    expect(day1.source.n).toBe(source.filter((r) => r.visit === 'Day 1').length);
    expect(comparison.source_records).toBe(120);
    expect(comparison.generated_records).toBe(121);
  });

  it('answers null where a figure cannot be computed, and is plain JSON', () => {
    const comparison = compareDatasets(source, [...source, row('new', 'Active', 'Week 12', 120)]);
    const week12 = comparison.by_visit[2].variables.systolic_bp;
    expect(week12).toEqual({
      source: { n: 0, mean: null, sd: null },
      generated: { n: 1, mean: 120, sd: null },
      mean_difference: null,
      sd_ratio: null,
      ks_d: null,
      ks_p_value: null,
    });
    expect(JSON.parse(JSON.stringify(comparison))).toEqual(comparison);
  });

  it('gives null correlations for a variable that does not vary, leaving it out of the maximum', () => {
    const constant = source.map((r) => ({ ...r, temperature: 36.8 }));
    const { correlation } = compareDatasets(constant, constant);
    expect(correlation.source[3]).toEqual([null, null, null, null]);
    expect(correlation.max_absolute_difference).toBe(0);
  });

  it('gives a constant variable SD 0 and no SD ratio', () => {
    const constant = source.map((r) => ({ ...r, temperature: 36.8 }));
    const { temperature } = compareDatasets(constant, source).overall;
    expect(temperature.source.sd).toBe(0);
    expect(temperature.sd_ratio).toBeNull();
  });

  it('rounds figures to 4 decimals', () => {
    const { temperature } = compareDatasets(source, source).overall;
    expect(Number.isInteger(temperature.source.mean! * 1e4)).toBe(true);
    expect(Number.isInteger(temperature.source.sd! * 1e4)).toBe(true);
  });
});
