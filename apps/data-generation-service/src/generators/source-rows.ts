import type { SourceRow } from './dataset.js';

/** The four vital signs the mvn and bootstrap models generate and the comparison measures, in this fixed order. */
export const VITAL_VARIABLES = ['systolic', 'diastolic', 'heartRate', 'temperature'] as const;
export type VitalVariable = (typeof VITAL_VARIABLES)[number];

/** A row's vital signs as a vector in the order of VITAL_VARIABLES. */
export function vitalVector(row: SourceRow): number[] {
  return [row.systolic, row.diastolic, row.heartRate, row.temperature];
}

/**
 * Rows in one order whatever order they came in (subject, visit, then values), so that a fit or a
 * resampling gives the same bytes for the same data: floating-point sums depend on their order.
 * Plain code-unit comparison, not localeCompare, which differs between machines.
 */
export function sortedSourceRows(rows: readonly SourceRow[]): SourceRow[] {
  return [...rows].sort(
    (a, b) =>
      compareText(a.subject, b.subject) ||
      compareText(a.visit, b.visit) ||
      compareText(a.arm, b.arm) ||
      a.systolic - b.systolic ||
      a.diastolic - b.diastolic ||
      a.heartRate - b.heartRate ||
      a.temperature - b.temperature,
  );
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A record as a user supplies it: the field names of `POST /edc/store-vitals` (other fields are ignored). */
export interface StoreVitalsRecord {
  SubjectID: string;
  VisitName: string;
  TreatmentArm: string;
  SystolicBP: number;
  DiastolicBP: number;
  HeartRate: number;
  Temperature: number;
}

/** A source record that cannot be read (a field missing or not a number): the API answers 400 with this message. */
export class InvalidSourceRecordError extends Error {}

/** Supplied records as source rows; names are trimmed as capture trims them. */
export function sourceRowsFromRecords(records: StoreVitalsRecord[]): SourceRow[] {
  return records.map((record, index) => ({
    subject: requiredText(record.SubjectID, 'SubjectID', index),
    arm: requiredText(record.TreatmentArm, 'TreatmentArm', index),
    visit: requiredText(record.VisitName, 'VisitName', index),
    systolic: finiteNumber(record.SystolicBP, 'SystolicBP', index),
    diastolic: finiteNumber(record.DiastolicBP, 'DiastolicBP', index),
    heartRate: finiteNumber(record.HeartRate, 'HeartRate', index),
    temperature: finiteNumber(record.Temperature, 'Temperature', index),
  }));
}

/** The columns of the EDC's `edc_vitals` view that a source needs, for a `SELECT` list. */
export const EDC_VITALS_SOURCE_COLUMNS = 'subject_number, treatment_arm, visit_name, systolic_bp, diastolic_bp, heart_rate, temperature';

/** A row of `edc_vitals` as pg returns it: smallint columns as numbers, `numeric` (temperature) as a string. */
export interface EdcVitalsSourceRow {
  subject_number: string;
  treatment_arm: string | null;
  visit_name: string;
  systolic_bp: number | string;
  diastolic_bp: number | string;
  heart_rate: number | string;
  temperature: number | string;
}

/** Stored vitals as source rows. A subject not yet randomized (no arm) has no place in a per-arm model and is left out. */
export function sourceRowsFromEdcVitals(rows: EdcVitalsSourceRow[]): SourceRow[] {
  return rows
    .filter((row): row is EdcVitalsSourceRow & { treatment_arm: string } => row.treatment_arm !== null)
    .map((row, index) => ({
      subject: row.subject_number,
      arm: row.treatment_arm,
      visit: row.visit_name,
      systolic: finiteNumber(Number(row.systolic_bp), 'systolic_bp', index),
      diastolic: finiteNumber(Number(row.diastolic_bp), 'diastolic_bp', index),
      heartRate: finiteNumber(Number(row.heart_rate), 'heart_rate', index),
      temperature: finiteNumber(Number(row.temperature), 'temperature', index),
    }));
}

function requiredText(value: unknown, field: string, index: number): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') throw new InvalidSourceRecordError(`source record ${index}: ${field} must be a non-empty string`);
  return text;
}

function finiteNumber(value: unknown, field: string, index: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidSourceRecordError(`source record ${index}: ${field} must be a number (got ${JSON.stringify(value) ?? String(value)})`);
  }
  return value;
}
