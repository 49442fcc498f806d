import type { SqlParams } from './sql-params.js';

/**
 * The relation every rule reads, `checked_vitals`, with the same columns whatever the data's source:
 * row_index (a supplied batch's position) or vital_sign_id (stored), patient_id, protocol_id,
 * subject_id, site_id, arm, visit_name, visit_date, measurement_time and the five numbers (numeric).
 */

/** One record of a supplied batch, type-checked, in the relation's column names. */
export interface BatchRow {
  row_index: number;
  protocol_id: string;
  subject_id: string;
  site_id: string | null;
  arm: string | null;
  visit_name: string;
  visit_date: string | null;
  measurement_time: string | null;
  systolic_bp: number | null;
  diastolic_bp: number | null;
  heart_rate: number | null;
  temperature: number | null;
  respiratory_rate: number | null;
}

/**
 * A batch as the relation: one jsonb parameter. A record without SiteID takes its stored
 * subject's site (as capture does), and the stored subject gives patient_id. A record naming a
 * site is matched only with a stored subject of that site, so a batch cannot probe another site's
 * subjects (their status, through the required-visits rule).
 */
export function batchRelation(params: SqlParams, rows: readonly BatchRow[]): string {
  return `
    SELECT r.row_index, NULL::uuid AS vital_sign_id, s.patient_id, r.protocol_id::text AS protocol_id, r.subject_id::text AS subject_id,
           coalesce(r.site_id, s.site_id)::text AS site_id, r.arm::text AS arm, r.visit_name::text AS visit_name, r.visit_date,
           r.measurement_time, r.systolic_bp, r.diastolic_bp, r.heart_rate, r.temperature, r.respiratory_rate
      FROM jsonb_to_recordset(${params.add(JSON.stringify(rows), 'jsonb')})
           AS r(row_index integer, protocol_id text, subject_id text, site_id text, arm text, visit_name text, visit_date date,
                measurement_time timestamptz, systolic_bp numeric, diastolic_bp numeric, heart_rate numeric, temperature numeric,
                respiratory_rate numeric)
      LEFT JOIN edc_subjects s ON s.protocol_id = r.protocol_id AND s.subject_number = r.subject_id
                               AND (r.site_id IS NULL OR s.site_id = r.site_id)`;
}

/** Which stored vitals a run or a try reads: one study, narrowed to sites, a subject or a generated dataset. */
export interface StoredScope {
  protocolId: string;
  /** Only these sites (a site-limited user's, or the one asked for); null = every site. */
  siteIds: string[] | null;
  subjectId: string | null;
  datasetId: string | null;
}

export function storedRelation(params: SqlParams, scope: StoredScope): string {
  const where = [`v.protocol_id = ${params.add(scope.protocolId, 'text')}`];
  if (scope.siteIds) where.push(`v.site_id = ANY(${params.add(scope.siteIds, 'text[]')})`);
  if (scope.subjectId !== null) where.push(`v.subject_number = ${params.add(scope.subjectId, 'text')}`);
  if (scope.datasetId !== null) where.push(`v.dataset_id = ${params.add(scope.datasetId, 'uuid')}`);
  return storedVitals(where);
}

/** Everything stored for some subjects (by patient id), of any study: what capture checks a batch against. */
export function subjectsRelation(params: SqlParams, patientIds: readonly string[]): string {
  return storedVitals([`v.patient_id = ANY(${params.add(patientIds, 'uuid[]')})`]);
}

function storedVitals(where: readonly string[]): string {
  return `
    SELECT NULL::integer AS row_index, v.vital_sign_id, v.patient_id, v.protocol_id::text AS protocol_id,
           v.subject_number::text AS subject_id, v.site_id::text AS site_id, v.treatment_arm::text AS arm,
           v.visit_name::text AS visit_name, v.visit_date, v.measurement_time, v.systolic_bp::numeric AS systolic_bp,
           v.diastolic_bp::numeric AS diastolic_bp, v.heart_rate::numeric AS heart_rate, v.temperature::numeric AS temperature,
           v.respiratory_rate::numeric AS respiratory_rate
      FROM edc_vitals v
     WHERE ${where.join(' AND ')}`;
}

/** The study settings the rules need, with the allow_* flags (whether unlisted sites, visits and arms are let in). */
export const CHECKED_STUDIES = `
  SELECT protocol_id::text AS protocol_id, baseline_visit::text AS baseline_visit, subject_id_format::text AS subject_id_format,
         allow_new_sites, allow_unscheduled_visits, allow_unlisted_arms
    FROM edc_studies`;
