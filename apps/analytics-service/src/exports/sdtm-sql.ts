import { type AnalysisScope, scopeConditions } from '../scope/analysis-scope.js';
import type { SdtmDomain } from './dto/export-bodies.dto.js';

/** A statement and its parameters. */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** A vital sign's date: the visit date, else the day of the measurement (UTC). */
const VITAL_DATE = `coalesce(v.visit_date, (v.measurement_time AT TIME ZONE 'UTC')::date)`;

/** SDTM study day: no day 0; the reference day is day 1, the day before it day -1. */
const studyDay = (date: string, reference: string): string =>
  `CASE WHEN ${date} IS NULL OR ${reference} IS NULL THEN NULL
        WHEN ${date} >= ${reference} THEN (${date} - ${reference}) + 1 ELSE ${date} - ${reference} END`;

/** The study design an export reads (the study's own, or the default study's it borrows: see StudyDesignReader). */
export interface ExportDesign {
  baselineVisit: string;
  /** In schedule order: VISITNUM is `order`, VISITDY `plannedDay`. */
  visits: Array<{ name: string; order: number; plannedDay: number | null }>;
}

/**
 * The subjects in scope with their USUBJID (STUDYID-SUBJID: subject numbers are unique within a
 * study) and reference start date RFSTDTC: the first date recorded at the study's baseline visit
 * (Day 1, when treatment starts in this design), else the enrolment date.
 */
function subjectsInScope(scope: AnalysisScope, design: ExportDesign, values: unknown[]): string {
  return `
    subjects AS (
      SELECT s.*, s.protocol_id || '-' || s.subject_number AS usubjid,
             coalesce((SELECT min(${VITAL_DATE}) FROM edc_vitals v
                        WHERE v.patient_id = s.patient_id AND v.visit_name = $${values.push(design.baselineVisit)}::text), s.enrollment_date) AS rfstdt
        FROM edc_subjects s
       WHERE ${scopeConditions(scope, 's', values)})`;
}

/** The design's schedule as rows (visit_name, visit_order, planned_day). */
function scheduleRows(design: ExportDesign, values: unknown[]): string {
  const names = `$${values.push(design.visits.map((visit) => visit.name))}::text[]`;
  const orders = `$${values.push(design.visits.map((visit) => visit.order))}::int[]`;
  const days = `$${values.push(design.visits.map((visit) => visit.plannedDay))}::int[]`;
  return `schedule AS (SELECT * FROM unnest(${names}, ${orders}, ${days}) AS d(visit_name, visit_order, planned_day))`;
}

/** The statistics' order of a subject's records at one visit: by measurement time, then visit date, then record. */
const EARLIEST = 'v.measurement_time NULLS LAST, v.visit_date NULLS LAST, v.vital_sign_id';
const firstAtBaseline = (column: string) => `(array_agg(v.vital_sign_id ORDER BY ${EARLIEST}) FILTER (WHERE v.${column} IS NOT NULL))[1]`;

/**
 * VS: one row per test per vital-signs record. VSSEQ numbers a subject's rows in the file's order
 * (visit order, date, time, record, test), before paging, so a row keeps its number on any page.
 * VSBLFL is the statistics' baseline: per test, the subject's earliest non-missing value at the
 * study's baseline visit (by measurement time, then date); a subject without a record at the
 * baseline visit has no flagged record.
 */
function vsQuery(scope: AnalysisScope, design: ExportDesign, values: unknown[]): string {
  const subjects = subjectsInScope(scope, design, values);
  const schedule = scheduleRows(design, values);
  return `
    WITH ${subjects}, ${schedule},
    baseline AS (
      SELECT v.patient_id, ${firstAtBaseline('systolic_bp')} AS sysbp, ${firstAtBaseline('diastolic_bp')} AS diabp,
             ${firstAtBaseline('heart_rate')} AS pulse, ${firstAtBaseline('temperature')} AS temp
        FROM subjects s JOIN edc_vitals v ON v.patient_id = s.patient_id
       WHERE v.visit_name = $${values.push(design.baselineVisit)}::text
       GROUP BY v.patient_id),
    records AS (
      SELECT v.*, s.usubjid, s.rfstdt, d.visit_order, d.planned_day, ${VITAL_DATE} AS vital_date,
             b.sysbp AS baseline_sysbp, b.diabp AS baseline_diabp, b.pulse AS baseline_pulse, b.temp AS baseline_temp
        FROM subjects s
        JOIN edc_vitals v ON v.patient_id = s.patient_id
        LEFT JOIN schedule d ON d.visit_name = v.visit_name
        LEFT JOIN baseline b ON b.patient_id = v.patient_id),
    tests AS (
      SELECT r.*, t.test_order, t.code, t.name, t.value, t.unit, t.baseline_record,
             row_number() OVER (PARTITION BY r.patient_id
                                ORDER BY r.visit_order NULLS LAST, r.vital_date NULLS LAST, r.measurement_time NULLS LAST, r.vital_sign_id, t.test_order) AS seq
        FROM records r
        CROSS JOIN LATERAL (VALUES
          (1, 'SYSBP', 'Systolic Blood Pressure', r.systolic_bp::numeric, 'mmHg', r.baseline_sysbp),
          (2, 'DIABP', 'Diastolic Blood Pressure', r.diastolic_bp::numeric, 'mmHg', r.baseline_diabp),
          (3, 'PULSE', 'Pulse Rate', r.heart_rate::numeric, 'beats/min', r.baseline_pulse),
          (4, 'TEMP', 'Temperature', r.temperature::numeric, 'C', r.baseline_temp)) AS t(test_order, code, name, value, unit, baseline_record))
    SELECT protocol_id AS "STUDYID", 'VS' AS "DOMAIN", usubjid AS "USUBJID", seq::int AS "VSSEQ",
           code AS "VSTESTCD", name AS "VSTEST", value::text AS "VSORRES", unit AS "VSORRESU",
           value::text AS "VSSTRESC", value::float8 AS "VSSTRESN", unit AS "VSSTRESU",
           CASE WHEN vital_sign_id = baseline_record THEN 'Y' END AS "VSBLFL",
           visit_order::int AS "VISITNUM", visit_name AS "VISIT", planned_day::int AS "VISITDY",
           -- In UTC, and marked so: ISO 8601 without an offset reads as local time.
           CASE WHEN measurement_time IS NOT NULL
                THEN to_char(measurement_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                ELSE to_char(vital_date, 'YYYY-MM-DD') END AS "VSDTC",
           (${studyDay('vital_date', 'rfstdt')})::int AS "VSDY"
      FROM tests
     ORDER BY usubjid, seq`;
}

function dmQuery(scope: AnalysisScope, design: ExportDesign, values: unknown[]): string {
  return `
    WITH ${subjectsInScope(scope, design, values)}
    SELECT protocol_id AS "STUDYID", 'DM' AS "DOMAIN", usubjid AS "USUBJID", subject_number AS "SUBJID",
           to_char(rfstdt, 'YYYY-MM-DD') AS "RFSTDTC", site_id AS "SITEID", age AS "AGE",
           CASE WHEN age IS NOT NULL THEN 'YEARS' END AS "AGEU",
           demographics->>'sex' AS "SEX", demographics->>'race' AS "RACE", demographics->>'ethnicity' AS "ETHNIC",
           treatment_arm AS "ARMCD", treatment_arm AS "ARM", treatment_arm AS "ACTARMCD", treatment_arm AS "ACTARM"
      FROM (SELECT subjects.*,
                   -- Age at consent: as given, else the consent year minus the birth year (as the EDC computes it).
                   coalesce(CASE WHEN jsonb_typeof(demographics->'age') = 'number' THEN (demographics->>'age')::int END,
                            CASE WHEN jsonb_typeof(demographics->'birth_year') = 'number' AND consent_date IS NOT NULL
                                 THEN extract(year FROM consent_date)::int - (demographics->>'birth_year')::int END) AS age
              FROM subjects) s
     ORDER BY usubjid`;
}

/** AE with the EDC's vocabularies mapped to SDTM controlled terminology (AEREL, AEOUT C66768, AEACN C66767). */
function aeQuery(scope: AnalysisScope, design: ExportDesign, values: unknown[]): string {
  return `
    WITH ${subjectsInScope(scope, design, values)}
    SELECT s.protocol_id AS "STUDYID", 'AE' AS "DOMAIN", s.usubjid AS "USUBJID",
           row_number() OVER (PARTITION BY a.patient_id ORDER BY a.onset_date, a.end_date NULLS LAST, a.adverse_event_id)::int AS "AESEQ",
           a.term AS "AETERM", a.term AS "AEDECOD", a.body_system AS "AEBODSYS", a.severity_grade::text AS "AETOXGR",
           CASE WHEN a.serious THEN 'Y' ELSE 'N' END AS "AESER",
           upper(replace(a.relationship, '_', ' ')) AS "AEREL",
           CASE a.outcome WHEN 'recovered' THEN 'RECOVERED/RESOLVED' WHEN 'recovering' THEN 'RECOVERING/RESOLVING'
                          WHEN 'not_recovered' THEN 'NOT RECOVERED/NOT RESOLVED'
                          WHEN 'recovered_with_sequelae' THEN 'RECOVERED/RESOLVED WITH SEQUELAE'
                          ELSE upper(a.outcome) END AS "AEOUT",
           CASE a.action_taken WHEN 'none' THEN 'DOSE NOT CHANGED' ELSE upper(replace(a.action_taken, '_', ' ')) END AS "AEACN",
           to_char(a.onset_date, 'YYYY-MM-DD') AS "AESTDTC", to_char(a.end_date, 'YYYY-MM-DD') AS "AEENDTC",
           (${studyDay('a.onset_date', 's.rfstdt')})::int AS "AESTDY", (${studyDay('a.end_date', 's.rfstdt')})::int AS "AEENDY"
      FROM subjects s JOIN edc_adverse_events a ON a.patient_id = s.patient_id
     ORDER BY s.usubjid, "AESEQ"`;
}

const QUERIES: Record<SdtmDomain, (scope: AnalysisScope, design: ExportDesign, values: unknown[]) => string> = { VS: vsQuery, DM: dmQuery, AE: aeQuery };

/** The domain's rows in scope, in the file's order, one page of them (LIMIT ALL: every row). */
export function sdtmRowsQuery(domain: SdtmDomain, scope: AnalysisScope, design: ExportDesign, page: { limit: number | null; offset: number }): SqlQuery {
  const values: unknown[] = [];
  const body = QUERIES[domain](scope, design, values);
  const limit = page.limit === null ? 'ALL' : `$${values.push(page.limit)}`;
  return { text: `${body} LIMIT ${limit} OFFSET $${values.push(page.offset)}`, values };
}

/**
 * How many rows that page of the domain holds, without building the rows: VS has four per
 * vital-signs record, DM one per subject, AE one per event. Run in the rows' own snapshot, it is
 * exactly the number streamed.
 */
export function sdtmCountQuery(domain: SdtmDomain, scope: AnalysisScope, page: { limit: number | null; offset: number }): SqlQuery {
  const values: unknown[] = [];
  const subjects = `SELECT s.patient_id FROM edc_subjects s WHERE ${scopeConditions(scope, 's', values)}`;
  const total =
    domain === 'DM'
      ? `SELECT count(*) FROM (${subjects}) s`
      : domain === 'VS'
        ? `SELECT 4 * count(*) FROM edc_vitals v WHERE v.patient_id IN (${subjects})`
        : `SELECT count(*) FROM edc_adverse_events a WHERE a.patient_id IN (${subjects})`;
  const offset = `$${values.push(page.offset)}::bigint`;
  const limit = page.limit === null ? 'NULL' : `$${values.push(page.limit)}::bigint`;
  return { text: `SELECT least(greatest((${total}) - ${offset}, 0), ${limit})::int AS n`, values };
}

/** How many rows a query's result holds (run in the same snapshot as the rows themselves). */
export function countOf(query: SqlQuery): SqlQuery {
  return { text: `SELECT count(*)::int AS n FROM (${query.text}) AS page`, values: query.values };
}

/** Whether any subject in scope is synthetic (stored from a generated dataset). */
export function syntheticQuery(scope: AnalysisScope): SqlQuery {
  const values: unknown[] = [];
  const text = `SELECT EXISTS (SELECT 1 FROM edc_subjects s WHERE ${scopeConditions(scope, 's', values)} AND s.dataset_id IS NOT NULL) AS synthetic`;
  return { text, values };
}
