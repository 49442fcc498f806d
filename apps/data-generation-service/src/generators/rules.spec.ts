import { EDIT_CHECK_RANGES, isStorable } from './capture-rules.js';
import type { GeneratedVital, TrialDesign } from './dataset.js';
import { defaultDesign } from './default-design.js';
import { allBlocks, recipeFor } from './generation.test-support.js';
import { effectByVisit, RULES } from './rules.js';
import { correlation, mean, sd, seOfCorrelation, seOfMean, seOfSd, Z } from './stats.test-support.js';

const PER_ARM = 3000;
const blocks = allBlocks(recipeFor({ n_per_arm: PER_ARM, seed: 2024 }));
const records = blocks.flatMap((block) => block.records);
const at = (arm: string, visit: string): GeneratedVital[] => records.filter((record) => record.TreatmentArm === arm && record.VisitName === visit);
const systolic = (rows: GeneratedVital[]): number[] => rows.map((row) => row.SystolicBP);
const VISIT_SD = Math.sqrt(RULES.systolic.subjectSd ** 2 + RULES.systolic.visitSd ** 2);

describe('the rules generator', () => {
  it('gives every subject every scheduled visit when nothing is missing', () => {
    expect(records).toHaveLength(2 * PER_ARM * 4);
  });

  it('gives systolic BP around a subject level ~ N(130, 10) with visit noise SD 6 (so SD √136 at a visit)', () => {
    for (const visit of ['Screening', 'Day 1']) {
      const values = [...systolic(at('Active', visit)), ...systolic(at('Placebo', visit))];
      expect(Math.abs(mean(values) - 130)).toBeLessThan(Z * seOfMean(VISIT_SD, values.length));
      expect(Math.abs(sd(values) - VISIT_SD)).toBeLessThan(Z * seOfSd(VISIT_SD, values.length));
    }
  });

  it('keeps a subject near their own level: visit-to-visit differences have SD 6·√2, and visits correlate 100/136', () => {
    const placebo = blocks.filter((block) => block.subject.TreatmentArm === 'Placebo');
    const screening = placebo.map((block) => block.records[0].SystolicBP);
    const dayOne = placebo.map((block) => block.records[1].SystolicBP);
    const differences = screening.map((value, index) => value - dayOne[index]);
    const differenceSd = RULES.systolic.visitSd * Math.SQRT2;
    expect(Math.abs(sd(differences) - differenceSd)).toBeLessThan(Z * seOfSd(differenceSd, differences.length));
    const rho = 100 / 136;
    expect(Math.abs(correlation(screening, dayOne) - rho)).toBeLessThan(Z * seOfCorrelation(rho, placebo.length));
  });

  it('gives diastolic BP ~ N(80, 8) correlated about 0.5 with systolic, always below it', () => {
    const rows = at('Placebo', 'Week 4');
    const diastolic = rows.map((row) => row.DiastolicBP);
    expect(Math.abs(mean(diastolic) - 80)).toBeLessThan(Z * seOfMean(8, rows.length));
    expect(Math.abs(sd(diastolic) - 8)).toBeLessThan(Z * seOfSd(8, rows.length));
    expect(Math.abs(correlation(systolic(rows), diastolic) - 0.5)).toBeLessThan(Z * seOfCorrelation(0.5, rows.length));
    expect(records.every((record) => record.DiastolicBP < record.SystolicBP)).toBe(true);
  });

  it('keeps the diastolic distribution in the Active arm too (the effect is on systolic)', () => {
    const diastolic = at('Active', 'Week 12').map((row) => row.DiastolicBP);
    expect(Math.abs(mean(diastolic) - 80)).toBeLessThan(Z * seOfMean(8, diastolic.length));
  });

  it('gives heart rate inside 60–100 and temperature ~ N(36.8, 0.3) to one decimal', () => {
    expect(records.every((record) => record.HeartRate >= 60 && record.HeartRate <= 100)).toBe(true);
    const temperature = records.map((record) => record.Temperature);
    expect(Math.abs(mean(temperature) - 36.8)).toBeLessThan(Z * seOfMean(0.3, temperature.length));
    expect(Math.abs(sd(temperature) - 0.3)).toBeLessThan(Z * seOfSd(0.3, temperature.length) + 0.002 /* rounding to 0.1 */);
    expect(records.every((record) => Math.round(record.Temperature * 10) === record.Temperature * 10)).toBe(true);
  });

  it('gives clean records that capture stores as they are (integers, ranges, diastolic below systolic)', () => {
    expect(records.every((record) => isStorable(record, record.TreatmentArm))).toBe(true);
  });

  it('gives clean records that no edit-check range flags, so every flag on generated data is an injected error', () => {
    const flagged = records.filter((record) =>
      (['SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature'] as const).some(
        (field) => record[field] < EDIT_CHECK_RANGES[field].min || record[field] > EDIT_CHECK_RANGES[field].max,
      ),
    );
    expect(flagged).toEqual([]);
  });

  it('gives a respiratory rate of 12 to 20 on every record', () => {
    expect(records.every((record) => record.RespiratoryRate !== undefined && record.RespiratoryRate >= 12 && record.RespiratoryRate <= 20)).toBe(true);
  });

  it('shows the target effect (Active − Placebo systolic) at the effect visit within sampling error, and none at baseline', () => {
    const difference = (visit: string): number => mean(systolic(at('Active', visit))) - mean(systolic(at('Placebo', visit)));
    const se = VISIT_SD * Math.sqrt(2 / PER_ARM);
    expect(Math.abs(difference('Week 12') - -5)).toBeLessThan(Z * se);
    expect(Math.abs(difference('Day 1'))).toBeLessThan(Z * se);
    expect(Math.abs(difference('Week 4') - (-5 * 27) / 83)).toBeLessThan(Z * se);
  });

  it('reaches another target at another visit when asked', () => {
    const other = allBlocks(recipeFor({ n_per_arm: 2000, seed: 5, target_effect: -12, effect_visit: 'Week 4' })).flatMap((block) => block.records);
    const visitMean = (arm: string, visit: string): number =>
      mean(other.filter((record) => record.TreatmentArm === arm && record.VisitName === visit).map((record) => record.SystolicBP));
    const se = VISIT_SD * Math.sqrt(2 / 2000);
    expect(Math.abs(visitMean('Active', 'Week 4') - visitMean('Placebo', 'Week 4') - -12)).toBeLessThan(Z * se);
    expect(Math.abs(visitMean('Active', 'Week 12') - visitMean('Placebo', 'Week 12') - -12)).toBeLessThan(Z * se);
  });
});

describe('the effect over the schedule', () => {
  const design = defaultDesign('RA001');

  it('is zero up to the baseline visit, rises linearly with the planned day, and holds after the effect visit', () => {
    const effects = effectByVisit(design, { target_effect: -6, effect_visit: 'Week 4' });
    expect(effects.get('Screening')).toBe(0);
    expect(effects.get('Day 1')).toBe(0);
    expect(effects.get('Week 4')).toBe(-6);
    expect(effects.get('Week 12')).toBe(-6);
    const ramp = effectByVisit(design, { target_effect: -5, effect_visit: 'Week 12' });
    expect(ramp.get('Week 4')).toBeCloseTo((-5 * 27) / 83, 10);
  });

  it('gives arms other than Active no effect', () => {
    const threeArms: TrialDesign = { ...design, arms: [...design.arms, { armCode: 'Low dose', allocationRatio: 1 }] };
    const rows = allBlocks(recipeFor({ n_per_arm: 1500, seed: 8, target_effect: -20 }, threeArms)).flatMap((block) => block.records);
    const week12 = (arm: string): number => mean(rows.filter((row) => row.TreatmentArm === arm && row.VisitName === 'Week 12').map((row) => row.SystolicBP));
    const se = VISIT_SD * Math.sqrt(2 / 1500);
    expect(Math.abs(week12('Low dose') - week12('Placebo'))).toBeLessThan(Z * se);
    expect(Math.abs(week12('Active') - week12('Placebo') - -20)).toBeLessThan(Z * se);
  });
});
