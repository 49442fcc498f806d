import type { RandomStream, TrialDesign, ValueModel, VitalValues } from './dataset.js';
import { EDIT_CHECK_RANGES, MIN_PULSE_PRESSURE, toOneDecimal } from './capture-rules.js';
import { baselineIndex } from './schedule.js';

/**
 * The design's rules-based values. Systolic: a subject's own level ~ N(130, 10), plus the arm's
 * effect at the visit, plus visit-to-visit noise N(0, 6) (so a visit's systolic has SD √136 ≈ 11.7
 * across subjects). Diastolic: N(80, 8) within each arm and visit, correlated 0.5 with that visit's
 * systolic (a typical value between the two pressures in adults). Heart rate ~ N(75, 8) inside
 * 60–100, temperature ~ N(36.8, 0.3), respiratory rate ~ N(16, 2) inside 12–20.
 *
 * Every value is drawn again until its stored form (integers; temperature to one decimal) lies in
 * the edit-check ranges and diastolic is below systolic: a truncated normal. The cuts sit 3 SD or
 * more from the means (heart rate: its own 60–100), so the moments move by well under 1%.
 */
export const RULES = {
  systolic: { mean: 130, subjectSd: 10, visitSd: 6 },
  diastolic: { mean: 80, sd: 8, correlationWithSystolic: 0.5 },
  heartRate: { mean: 75, sd: 8, min: 60, max: 100 },
  temperature: { mean: 36.8, sd: 0.3 },
  respiratoryRate: { mean: 16, sd: 2, min: 12, max: 20 },
} as const;

/** The arm that receives the treatment effect; every other arm has none. */
export const ACTIVE_ARM = 'Active';

const SYSTOLIC_SD = Math.sqrt(RULES.systolic.subjectSd ** 2 + RULES.systolic.visitSd ** 2);
const MAX_DRAWS = 100;

export interface RulesSettings {
  target_effect: number;
  effect_visit: string;
}

/**
 * The Active arm's systolic shift at each visit: none up to the baseline visit, rising linearly
 * with the planned day to `target_effect` at the effect visit, and holding after it.
 */
export function effectByVisit(design: TrialDesign, settings: RulesSettings): Map<string, number> {
  const baselineDay = design.visits[baselineIndex(design)]?.plannedDay ?? 1;
  const effectDay = design.visits.find((visit) => visit.visitName === settings.effect_visit)?.plannedDay ?? baselineDay;
  const effects = new Map<string, number>();
  for (const visit of design.visits) {
    let share: number;
    if (visit.plannedDay >= effectDay) share = 1;
    else if (visit.plannedDay <= baselineDay) share = 0;
    else share = (visit.plannedDay - baselineDay) / (effectDay - baselineDay);
    effects.set(visit.visitName, share === 0 ? 0 : share * settings.target_effect);
  }
  return effects;
}

export function rulesModel(design: TrialDesign, settings: RulesSettings): ValueModel {
  const effects = effectByVisit(design, settings);
  return {
    valuesFor(arm: string, visits: string[], random: RandomStream): Map<string, VitalValues> {
      const subjectLevel = random.normal(RULES.systolic.mean, RULES.systolic.subjectSd);
      const values = new Map<string, VitalValues>();
      for (const visit of visits) {
        const effect = arm === ACTIVE_ARM ? (effects.get(visit) ?? 0) : 0;
        values.set(visit, visitValues(random, subjectLevel, RULES.systolic.mean + effect, effect));
      }
      return values;
    },
  };
}

function visitValues(random: RandomStream, subjectLevel: number, expectedSystolic: number, effect: number): VitalValues {
  const systolic = drawInteger(
    () => subjectLevel + effect + random.normal(0, RULES.systolic.visitSd),
    EDIT_CHECK_RANGES.SystolicBP.min,
    EDIT_CHECK_RANGES.SystolicBP.max,
  );
  const { mean, sd, correlationWithSystolic: rho } = RULES.diastolic;
  const conditionalMean = mean + rho * (sd / SYSTOLIC_SD) * (systolic - expectedSystolic);
  const conditionalSd = sd * Math.sqrt(1 - rho * rho);
  const diastolic = drawInteger(
    () => random.normal(conditionalMean, conditionalSd),
    EDIT_CHECK_RANGES.DiastolicBP.min,
    Math.min(EDIT_CHECK_RANGES.DiastolicBP.max, systolic - MIN_PULSE_PRESSURE),
  );
  const heartRate = drawInteger(() => random.normal(RULES.heartRate.mean, RULES.heartRate.sd), RULES.heartRate.min, RULES.heartRate.max);
  const temperature = drawTenth(random, RULES.temperature.mean, RULES.temperature.sd);
  const respiratoryRate = drawInteger(
    () => random.normal(RULES.respiratoryRate.mean, RULES.respiratoryRate.sd),
    RULES.respiratoryRate.min,
    RULES.respiratoryRate.max,
  );
  return { systolic, diastolic, heartRate, temperature, respiratoryRate };
}

/** A rounded draw inside [min, max], drawn again when outside; clamped after MAX_DRAWS misses (an extreme target effect). */
function drawInteger(draw: () => number, min: number, max: number): number {
  let value = 0;
  for (let attempt = 0; attempt < MAX_DRAWS; attempt += 1) {
    value = Math.round(draw());
    if (value >= min && value <= max) return value;
  }
  return Math.min(max, Math.max(min, value));
}

function drawTenth(random: RandomStream, mean: number, sd: number): number {
  const { min, max } = EDIT_CHECK_RANGES.Temperature;
  let value = mean;
  for (let attempt = 0; attempt < MAX_DRAWS; attempt += 1) {
    value = toOneDecimal(random.normal(mean, sd));
    if (value >= min && value <= max) return value;
  }
  return Math.min(max, Math.max(min, value));
}
