import type { GeneratedVital, VitalValues } from './dataset.js';

/**
 * What capture (`POST /edc/store-vitals`) accepts, mirrored from the EDC's store-vitals DTO (a
 * service does not import another's code: a change there must be made here too). A record outside
 * these is refused; the generator marks such records not storable.
 */
export const CAPTURE_LIMITS = {
  SystolicBP: { min: 50, max: 300 },
  DiastolicBP: { min: 20, max: 200 },
  HeartRate: { min: 20, max: 250 },
  Temperature: { min: 30, max: 45 },
  RespiratoryRate: { min: 4, max: 60 },
} as const;

/**
 * The ranges of the edit checks: a value outside is flagged, not refused. Clean generated values
 * stay inside them, so that every flag on generated data points at an injected error.
 */
export const EDIT_CHECK_RANGES = {
  SystolicBP: { min: 95, max: 200 },
  DiastolicBP: { min: 55, max: 130 },
  HeartRate: { min: 50, max: 120 },
  Temperature: { min: 35, max: 40 },
} as const;

const within = (value: number, limits: { min: number; max: number }): boolean => value >= limits.min && value <= limits.max;
const hasOneDecimalAtMost = (value: number): boolean => Number.isFinite(value) && Math.abs(Math.round(value * 10) - value * 10) < 1e-9;

/**
 * Whether capture would store the record for a subject allocated to `subjectArm`: the DTO's
 * ranges and types, diastolic below systolic, and the subject's own arm (the EDC keeps a
 * subject's arm, so a record naming another is refused).
 */
export function isStorable(record: GeneratedVital, subjectArm: string): boolean {
  return (
    record.TreatmentArm === subjectArm &&
    Number.isInteger(record.SystolicBP) &&
    within(record.SystolicBP, CAPTURE_LIMITS.SystolicBP) &&
    Number.isInteger(record.DiastolicBP) &&
    within(record.DiastolicBP, CAPTURE_LIMITS.DiastolicBP) &&
    record.DiastolicBP < record.SystolicBP &&
    Number.isInteger(record.HeartRate) &&
    within(record.HeartRate, CAPTURE_LIMITS.HeartRate) &&
    hasOneDecimalAtMost(record.Temperature) &&
    within(record.Temperature, CAPTURE_LIMITS.Temperature) &&
    (record.RespiratoryRate === undefined ||
      (Number.isInteger(record.RespiratoryRate) && within(record.RespiratoryRate, CAPTURE_LIMITS.RespiratoryRate)))
  );
}

/** Temperature to one decimal, as capture stores it. */
export function toOneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}

const clamp = (value: number, limits: { min: number; max: number }): number => Math.min(limits.max, Math.max(limits.min, value));

/**
 * The least gap between the pressures of a clean record: the quality service's default check VS005
 * flags a record unless SystolicBP >= DiastolicBP + 5. Capture itself only wants the diastolic below
 * the systolic; a clean record with a gap of 1 to 4 would be stored and then flagged, and every flag
 * on generated data must point at an injected error.
 */
export const MIN_PULSE_PRESSURE = 5;

/**
 * Values from any model as capture stores them: integers (temperature to one decimal), inside the
 * edit-check ranges (heart rate and respiratory rate inside capture's), diastolic at least
 * MIN_PULSE_PRESSURE below systolic (so VS005 never flags a clean record; the ranges allow it:
 * systolic 95 − 5 leaves 90, above the diastolic's least 55). The rules model gives such values
 * almost always; this bounds what any model gives at its tails, so clean records are always
 * storable and never flagged.
 */
export function toCapturedValues(values: VitalValues): VitalValues {
  const systolic = clamp(Math.round(values.systolic), EDIT_CHECK_RANGES.SystolicBP);
  const diastolic = Math.min(systolic - MIN_PULSE_PRESSURE, clamp(Math.round(values.diastolic), EDIT_CHECK_RANGES.DiastolicBP));
  const captured: VitalValues = {
    systolic,
    diastolic,
    heartRate: clamp(Math.round(values.heartRate), EDIT_CHECK_RANGES.HeartRate),
    temperature: toOneDecimal(clamp(values.temperature, EDIT_CHECK_RANGES.Temperature)),
  };
  if (values.respiratoryRate !== undefined) captured.respiratoryRate = clamp(Math.round(values.respiratoryRate), CAPTURE_LIMITS.RespiratoryRate);
  return captured;
}
