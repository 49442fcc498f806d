import { type AnalysisScope, scopeConditions } from '../scope/analysis-scope.js';
import type { SqlQuery } from './sdtm-sql.js';

/** The subjects in scope in USUBJID order (the page order), with what a Patient resource shows. */
export function fhirSubjectsQuery(scope: AnalysisScope): SqlQuery {
  const values: unknown[] = [];
  const text = `
    SELECT s.patient_id, s.protocol_id, s.subject_number, s.site_id,
           CASE WHEN jsonb_typeof(s.demographics->'sex') = 'string' THEN s.demographics->>'sex' END AS sex,
           CASE WHEN jsonb_typeof(s.demographics->'birth_year') = 'number' THEN (s.demographics->>'birth_year')::int END AS birth_year
      FROM edc_subjects s
     WHERE ${scopeConditions(scope, 's', values)}
     ORDER BY s.subject_number, s.patient_id`;
  return { text, values };
}

/**
 * The dated vital-signs records of one page of subjects. A record with neither a visit date nor a
 * measurement time is left out: the vital-signs profile requires effective[x].
 */
export function fhirVitalsQuery(patientIds: string[]): SqlQuery {
  const text = `
    SELECT v.vital_sign_id, v.patient_id,
           CASE WHEN v.measurement_time IS NOT NULL
                THEN to_char(v.measurement_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                ELSE to_char(v.visit_date, 'YYYY-MM-DD') END AS effective,
           v.systolic_bp::int AS systolic_bp, v.diastolic_bp::int AS diastolic_bp, v.heart_rate::int AS heart_rate,
           v.temperature::float8 AS temperature
      FROM edc_vitals v
     WHERE v.patient_id = ANY($1::uuid[]) AND (v.measurement_time IS NOT NULL OR v.visit_date IS NOT NULL)
     ORDER BY v.patient_id, coalesce(v.visit_date, (v.measurement_time AT TIME ZONE 'UTC')::date), v.measurement_time NULLS LAST, v.vital_sign_id`;
  return { text, values: [patientIds] };
}

/** How many dated vital-signs records (three Observations each) each subject of a page has. */
export function fhirRecordCountsQuery(patientIds: string[]): SqlQuery {
  const text = `
    SELECT v.patient_id, count(*)::int AS records
      FROM edc_vitals v
     WHERE v.patient_id = ANY($1::uuid[]) AND (v.measurement_time IS NOT NULL OR v.visit_date IS NOT NULL)
     GROUP BY v.patient_id`;
  return { text, values: [patientIds] };
}
