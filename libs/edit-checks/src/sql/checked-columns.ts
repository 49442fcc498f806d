import type { CheckedField, NumericField, TextField } from '../rule.js';

/**
 * The one place a rule's field name becomes SQL: a fixed map to the columns of `checked_vitals`.
 * Nothing else of a rule ever reaches the statement's text.
 */
export const FIELD_COLUMNS: Readonly<Record<CheckedField, string>> = {
  SubjectID: 'subject_id',
  VisitName: 'visit_name',
  TreatmentArm: 'arm',
  SiteID: 'site_id',
  VisitDate: 'visit_date',
  SystolicBP: 'systolic_bp',
  DiastolicBP: 'diastolic_bp',
  HeartRate: 'heart_rate',
  Temperature: 'temperature',
  RespiratoryRate: 'respiratory_rate',
};

export function column(field: CheckedField): string {
  const name = FIELD_COLUMNS[field];
  if (!name) throw new Error(`no column for the field ${String(field)}`);
  return `cv.${name}`;
}

/** A numeric value as text without trailing zeros, so a stored 37.0 and a sent 37 read the same in a finding. */
export function numericText(field: NumericField): string {
  return `trim_scale(${column(field)})::text`;
}

export function textValue(field: TextField | 'VisitDate'): string {
  return field === 'VisitDate' ? `to_char(${column(field)}, 'YYYY-MM-DD')` : column(field);
}

/**
 * The columns every finding row has, in this order (the relations and the rule SELECTs agree on it).
 */
export const FINDING_COLUMNS = [
  'rule_id',
  'severity',
  'hard',
  'protocol_id',
  'site_id',
  'subject_id',
  'patient_id',
  'vital_sign_id',
  'row_index',
  'visit_name',
  'field',
  'value',
  'message',
] as const;

/** The order "first" means within a subject or a duplicate group: measurement time, then the row's key. */
export const RECORD_ORDER = 'cv.measurement_time NULLS LAST, cv.row_index, cv.vital_sign_id';
