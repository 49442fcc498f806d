import { type AnalysisScope, scopeConditions } from '../scope/analysis-scope.js';

/**
 * A relation of vital-sign rows the statistics read, as SQL text for a subquery, with the columns
 * subject, arm, visit, taken_at, taken_on, row_key (a tie-breaker), systolic_bp, diastolic_bp,
 * heart_rate, temperature (float8). Stored rows and records sent in a request have the same shape, so every
 * statistic is one SQL text over either.
 */
export interface VitalsSource {
  sql: string;
  params: unknown[];
}

export function storedVitals(scope: AnalysisScope): VitalsSource {
  const params: unknown[] = [];
  const sql = `
    SELECT v.patient_id AS subject, v.treatment_arm AS arm, v.visit_name AS visit,
           v.measurement_time AS taken_at, v.visit_date AS taken_on, v.vital_sign_id AS row_key,
           v.systolic_bp::float8 AS systolic_bp, v.diastolic_bp::float8 AS diastolic_bp,
           v.heart_rate::float8 AS heart_rate, v.temperature::float8 AS temperature
      FROM edc_vitals v
     WHERE ${scopeConditions(scope, 'v', params)}`;
  return { sql, params };
}

/** Records in store-vitals' field names, already type-checked (see week12-records.ts). */
export function suppliedVitals(records: readonly unknown[]): VitalsSource {
  const sql = `
    SELECT coalesce(r."ProtocolID", '') || '/' || r."SubjectID" AS subject, r."TreatmentArm" AS arm, r."VisitName" AS visit,
           r."MeasurementTime"::timestamptz AS taken_at, r."VisitDate"::date AS taken_on, r.ord AS row_key,
           r."SystolicBP" AS systolic_bp, r."DiastolicBP" AS diastolic_bp, r."HeartRate" AS heart_rate, r."Temperature" AS temperature
      FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (
             "ProtocolID" text, "SubjectID" text, "TreatmentArm" text, "VisitName" text, "MeasurementTime" text, "VisitDate" text,
             "SystolicBP" float8, "DiastolicBP" float8, "HeartRate" float8, "Temperature" float8))
           WITH ORDINALITY AS r("ProtocolID", "SubjectID", "TreatmentArm", "VisitName", "MeasurementTime", "VisitDate",
                                "SystolicBP", "DiastolicBP", "HeartRate", "Temperature", ord)`;
  return { sql, params: [JSON.stringify(records)] };
}
