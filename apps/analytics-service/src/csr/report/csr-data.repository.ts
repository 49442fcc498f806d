import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AnalysisScope, scopeConditions } from '../../scope/analysis-scope.js';
import type { StudyDesign } from '../../scope/study-design.reader.js';
import { canonicalJson } from './canonical-json.js';
import type { AdverseEventOverviewRow, BodySystemRow, DemographicsRow, DispositionRow, Listing, QuerySiteRow } from './csr-report.js';

/** Names the way data_sha256 is computed (stored with each version): a new method gets a new name. */
export const CSR_DATA_HASH_METHOD = 'csr-data-v1';

/**
 * The columns of each view the hash covers (CSR_DATA_HASH_METHOD): those the report reads and
 * shows, in this order. Changing a list is a new method.
 */
export const HASHED_COLUMNS = {
  subjects: ['patient_id', 'subject_number', 'site_id', 'treatment_arm', 'status', 'enrollment_date', 'consent_date', 'demographics', 'dataset_id'],
  vitals: ['vital_sign_id', 'patient_id', 'subject_number', 'site_id', 'treatment_arm', 'visit_name', 'visit_date', 'measurement_time', 'systolic_bp', 'diastolic_bp', 'heart_rate', 'temperature'],
  adverseEvents: ['adverse_event_id', 'patient_id', 'subject_number', 'site_id', 'treatment_arm', 'term', 'body_system', 'onset_date', 'severity_grade', 'serious', 'relationship', 'outcome'],
  queries: ['id', 'patient_id', 'site_id', 'status', 'answered_at'],
  runs: ['id', 'site_ids', 'dataset_id', 'finished_at', 'rows_checked', 'findings_total', 'queries_opened'],
} as const;

/** Rows of each listing shown in the report; the SDTM export has them all. */
export const LISTING_ROWS = 50;

/** ICH E2A's "reasonable possibility" of a causal relationship. */
const RELATED = `('possibly_related', 'probably_related', 'related')`;
const ENROLLED = `s.status NOT IN ('screened', 'screen_failed')`;

/** Values a reviewer looks at one by one; the same thresholds as the platform's edit checks' spirit, stated in the report. */
export const NOTABLE_CRITERIA: ReadonlyArray<{ label: string; sql: string }> = [
  { label: 'Systolic BP >= 180 mmHg', sql: 'v.systolic_bp >= 180' },
  { label: 'Systolic BP < 90 mmHg', sql: 'v.systolic_bp < 90' },
  { label: 'Diastolic BP >= 110 mmHg', sql: 'v.diastolic_bp >= 110' },
  { label: 'Heart rate > 120 bpm', sql: 'v.heart_rate > 120' },
  { label: 'Heart rate < 50 bpm', sql: 'v.heart_rate < 50' },
  { label: 'Temperature >= 38.5 °C', sql: 'v.temperature >= 38.5' },
];

/**
 * The report's figures that are not the statistics service's: set-based SQL over the EDC's and the
 * quality service's published views, in the caller's transaction (one snapshot for all of them).
 */
@Injectable()
export class CsrDataRepository {
  /**
   * sha256 of what the report shows, by the method CSR_DATA_HASH_METHOD (docs/analytics.md): the
   * study design the report used (as canonical JSON: a study without a schedule, arms or baseline
   * visit of its own borrows the default study's), then each of subjects, vitals, adverse events,
   * queries and check runs in scope as the sha256 of the md5 of each row's listed columns (as a JSON
   * array, under fixed text settings) in id order. Any shown value changed, a row added or removed,
   * changes it; the same data gives the same hash, also after a view gains a column.
   */
  async dataSha256(db: EntityManager, scope: AnalysisScope, design: StudyDesign): Promise<string> {
    // A value's text depends on the session's settings (times in its time zone, floats' digits): fix them, for this transaction only.
    await db.query(`SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true)`);
    const params: unknown[] = [];
    const designJson = `$${params.push(canonicalJson(design))}::text`;
    const digest = (view: string, columns: readonly string[], where: string, order: string) =>
      `(SELECT encode(sha256(convert_to(coalesce(string_agg(md5(json_build_array(${columns.map((c) => `x.${c}`).join(', ')})::text), '' ORDER BY ${order}), ''), 'UTF8')), 'hex') FROM ${view} x WHERE ${where})`;
    const parts = [
      `encode(sha256(convert_to(${designJson}, 'UTF8')), 'hex')`,
      digest('edc_subjects', HASHED_COLUMNS.subjects, scopeConditions(scope, 'x', params), 'x.patient_id'),
      digest('edc_vitals', HASHED_COLUMNS.vitals, scopeConditions(scope, 'x', params), 'x.vital_sign_id'),
      digest('edc_adverse_events', HASHED_COLUMNS.adverseEvents, scopeConditions(scope, 'x', params), 'x.adverse_event_id'),
      digest('quality_query_facts', HASHED_COLUMNS.queries, this.queryConditions(scope, 'x', params), 'x.id'),
      digest('quality_run_facts', HASHED_COLUMNS.runs, this.runConditions(scope, 'x', params), 'x.id'),
    ];
    const [row] = (await db.query(`SELECT encode(sha256(convert_to(concat_ws('|', ${parts.join(', ')}), 'UTF8')), 'hex') AS sha256`, params)) as Array<{ sha256: string }>;
    return row.sha256;
  }

  /** Whether any subject in scope was stored from a generated dataset. */
  async synthetic(db: EntityManager, scope: AnalysisScope): Promise<boolean> {
    const params: unknown[] = [];
    const rows = (await db.query(`SELECT 1 FROM edc_subjects s WHERE ${scopeConditions(scope, 's', params)} AND s.dataset_id IS NOT NULL LIMIT 1`, params)) as unknown[];
    return rows.length > 0;
  }

  async disposition(db: EntityManager, scope: AnalysisScope): Promise<DispositionRow[]> {
    const params: unknown[] = [];
    return (await db.query(
      `SELECT s.treatment_arm AS arm,
              count(*)::int AS screened,
              count(*) FILTER (WHERE ${ENROLLED})::int AS enrolled,
              count(*) FILTER (WHERE ${ENROLLED} AND s.treatment_arm IS NOT NULL)::int AS randomized,
              count(*) FILTER (WHERE s.status = 'completed')::int AS completed,
              count(*) FILTER (WHERE s.status = 'withdrawn')::int AS withdrawn,
              count(*) FILTER (WHERE s.status IN ('enrolled', 'randomized'))::int AS ongoing
         FROM edc_subjects s
        WHERE ${scopeConditions(scope, 's', params)}
        GROUP BY s.treatment_arm`,
      params,
    )) as DispositionRow[];
  }

  /** Enrolled subjects by arm and all together: age (given, or from the birth year at consent) and sex. */
  async demographics(db: EntityManager, scope: AnalysisScope): Promise<DemographicsRow[]> {
    const params: unknown[] = [];
    const rows = (await db.query(
      `WITH d AS (
         SELECT s.treatment_arm AS arm, s.demographics->>'sex' AS sex,
                CASE WHEN jsonb_typeof(s.demographics->'age') = 'number' THEN (s.demographics->>'age')::float8
                     WHEN jsonb_typeof(s.demographics->'birth_year') = 'number' AND s.consent_date IS NOT NULL
                       THEN extract(year FROM s.consent_date)::float8 - (s.demographics->>'birth_year')::float8 END AS age
           FROM edc_subjects s
          WHERE ${scopeConditions(scope, 's', params)} AND ${ENROLLED})
       SELECT arm, grouping(arm) = 1 AS overall, count(*)::int AS subjects,
              count(age)::int AS age_n, avg(age) AS age_mean, stddev_samp(age) AS age_sd, min(age) AS age_min, max(age) AS age_max,
              count(*) FILTER (WHERE sex = 'F')::int AS f, count(*) FILTER (WHERE sex = 'M')::int AS m,
              count(*) FILTER (WHERE sex = 'U')::int AS u, count(*) FILTER (WHERE sex IS NULL OR sex NOT IN ('F', 'M', 'U'))::int AS missing
         FROM d GROUP BY GROUPING SETS ((arm), ())`,
      params,
    )) as DemographicsSqlRow[];
    return rows.map((row) => ({
      arm: row.overall ? null : row.arm,
      subjects: row.subjects,
      age: { n: row.age_n, mean: row.age_mean, sd: row.age_sd, min: row.age_min, max: row.age_max },
      sex: { F: row.f, M: row.m, U: row.u, missing: row.missing },
    }));
  }

  /** Per arm: subjects, those with any, serious, related and fatal events, and the events. */
  async adverseEventOverview(db: EntityManager, scope: AnalysisScope): Promise<AdverseEventOverviewRow[]> {
    const params: unknown[] = [];
    return (await db.query(
      `SELECT s.treatment_arm AS arm, count(DISTINCT s.patient_id)::int AS subjects,
              count(DISTINCT a.patient_id)::int AS with_any,
              count(DISTINCT a.patient_id) FILTER (WHERE a.serious)::int AS serious,
              count(DISTINCT a.patient_id) FILTER (WHERE a.relationship IN ${RELATED})::int AS related,
              count(DISTINCT a.patient_id) FILTER (WHERE a.outcome = 'fatal')::int AS fatal,
              count(a.adverse_event_id)::int AS events
         FROM edc_subjects s LEFT JOIN edc_adverse_events a ON a.patient_id = s.patient_id
        WHERE ${scopeConditions(scope, 's', params)} AND ${ENROLLED}
        GROUP BY s.treatment_arm`,
      params,
    )) as AdverseEventOverviewRow[];
  }

  async adverseEventsByBodySystem(db: EntityManager, scope: AnalysisScope): Promise<BodySystemRow[]> {
    const params: unknown[] = [];
    return (await db.query(
      `SELECT a.body_system, a.treatment_arm AS arm, count(DISTINCT a.patient_id)::int AS subjects, count(*)::int AS events
         FROM edc_adverse_events a
        WHERE ${scopeConditions(scope, 'a', params)}
        GROUP BY a.body_system, a.treatment_arm
        ORDER BY a.body_system, a.treatment_arm NULLS LAST`,
      params,
    )) as BodySystemRow[];
  }

  /** Counts per criterion and arm (only the pairs with a hit), in one pass over the vitals. */
  async notableValues(db: EntityManager, scope: AnalysisScope): Promise<Array<{ criterion: string; arm: string | null; subjects: number; records: number }>> {
    const params: unknown[] = [];
    const counts = NOTABLE_CRITERIA.map(
      (c, index) => `count(*) FILTER (WHERE ${c.sql})::int AS records_${index}, count(DISTINCT v.patient_id) FILTER (WHERE ${c.sql})::int AS subjects_${index}`,
    ).join(',\n              ');
    const rows = (await db.query(
      `SELECT v.treatment_arm AS arm, ${counts}
         FROM edc_vitals v WHERE ${scopeConditions(scope, 'v', params)}
        GROUP BY v.treatment_arm`,
      params,
    )) as Array<Record<string, number> & { arm: string | null }>;
    return rows.flatMap((row) =>
      NOTABLE_CRITERIA.map((c, index) => ({ criterion: c.label, arm: row.arm, subjects: row[`subjects_${index}`], records: row[`records_${index}`] })).filter((hit) => hit.records > 0),
    );
  }

  async qualityRuns(db: EntityManager, scope: AnalysisScope): Promise<{ count: number; last_finished_at: string | null; rows_checked: number; findings_total: number; queries_opened: number }> {
    const params: unknown[] = [];
    const [row] = (await db.query(
      `SELECT count(*)::int AS count, to_char(max(r.finished_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_finished_at,
              coalesce(sum(r.rows_checked), 0)::float8 AS rows_checked, coalesce(sum(r.findings_total), 0)::float8 AS findings_total,
              coalesce(sum(r.queries_opened), 0)::float8 AS queries_opened
         FROM quality_run_facts r WHERE ${this.runConditions(scope, 'r', params)}`,
      params,
    )) as Array<{ count: number; last_finished_at: string | null; rows_checked: number; findings_total: number; queries_opened: number }>;
    return row;
  }

  /** Queries by site: opened (all), answered at some time, closed, cancelled, and open (open or answered now). */
  async queriesBySite(db: EntityManager, scope: AnalysisScope): Promise<QuerySiteRow[]> {
    const params: unknown[] = [];
    return (await db.query(
      `SELECT q.site_id, count(*)::int AS opened, count(q.answered_at)::int AS answered,
              count(*) FILTER (WHERE q.status = 'closed')::int AS closed,
              count(*) FILTER (WHERE q.status = 'cancelled')::int AS cancelled,
              count(*) FILTER (WHERE q.status IN ('open', 'answered'))::int AS open
         FROM quality_query_facts q WHERE ${this.queryConditions(scope, 'q', params)}
        GROUP BY q.site_id ORDER BY q.site_id NULLS LAST`,
      params,
    )) as QuerySiteRow[];
  }

  async subjectListing(db: EntityManager, scope: AnalysisScope): Promise<Listing> {
    const params: unknown[] = [];
    return this.listing(
      db,
      'Subjects',
      ['subject', 'site', 'arm', 'status', 'consent_date', 'sex', 'age'],
      `SELECT s.subject_number AS subject, s.site_id AS site, s.treatment_arm AS arm, s.status, to_char(s.consent_date, 'YYYY-MM-DD') AS consent_date,
              s.demographics->>'sex' AS sex, s.demographics->>'age' AS age
         FROM edc_subjects s WHERE ${scopeConditions(scope, 's', params)}`,
      's.subject_number',
      params,
    );
  }

  async vitalsListing(db: EntityManager, scope: AnalysisScope): Promise<Listing> {
    const params: unknown[] = [];
    return this.listing(
      db,
      'Vital signs',
      ['subject', 'arm', 'visit', 'date', 'systolic_bp', 'diastolic_bp', 'heart_rate', 'temperature'],
      `SELECT v.subject_number AS subject, v.treatment_arm AS arm, v.visit_name AS visit, to_char(v.visit_date, 'YYYY-MM-DD') AS date,
              v.systolic_bp, v.diastolic_bp, v.heart_rate, v.temperature::float8 AS temperature
         FROM edc_vitals v WHERE ${scopeConditions(scope, 'v', params)}`,
      'v.subject_number, v.visit_date, v.measurement_time, v.vital_sign_id',
      params,
    );
  }

  async adverseEventListing(db: EntityManager, scope: AnalysisScope, only: 'all' | 'serious' | 'fatal' = 'all'): Promise<Listing> {
    const params: unknown[] = [];
    const filter = only === 'serious' ? ' AND a.serious' : only === 'fatal' ? ` AND a.outcome = 'fatal'` : '';
    const name = only === 'serious' ? 'Serious adverse events' : only === 'fatal' ? 'Deaths' : 'Adverse events';
    return this.listing(
      db,
      name,
      ['subject', 'arm', 'term', 'body_system', 'onset_date', 'grade', 'serious', 'relationship', 'outcome'],
      `SELECT a.subject_number AS subject, a.treatment_arm AS arm, a.term, a.body_system, to_char(a.onset_date, 'YYYY-MM-DD') AS onset_date,
              a.severity_grade AS grade, a.serious, a.relationship, a.outcome
         FROM edc_adverse_events a WHERE ${scopeConditions(scope, 'a', params)}${filter}`,
      'a.onset_date, a.subject_number, a.adverse_event_id',
      params,
    );
  }

  /** The first LISTING_ROWS rows in order and the total, in one statement. */
  private async listing(db: EntityManager, name: string, columns: string[], select: string, order: string, params: unknown[]): Promise<Listing> {
    const rows = (await db.query(
      `WITH page AS (SELECT t.*, row_number() OVER () AS listing_row FROM (${select} ORDER BY ${order} LIMIT ${LISTING_ROWS}) t)
       SELECT (SELECT count(*)::int FROM (${select}) AS every_row) AS total,
              (SELECT coalesce(json_agg(to_json(page) ORDER BY listing_row), '[]'::json) FROM page) AS rows`,
      params,
    )) as Array<{ total: number; rows: Array<Record<string, string | number | boolean | null>> }>;
    const { total, rows: page } = rows[0];
    return {
      name,
      columns,
      rows: page.map((row) => columns.map((column) => row[column] ?? null)),
      total,
      note: total > page.length ? `The first ${page.length} of ${total} rows; every row is in the SDTM export (POST /analytics/sdtm/export).` : null,
    };
  }

  /** Queries of the scope: the study's, at its sites, of its dataset's subjects. */
  private queryConditions(scope: AnalysisScope, alias: string, params: unknown[]): string {
    const conditions = [`${alias}.protocol_id = $${params.push(scope.protocolId)}`];
    if (scope.siteIds !== null) conditions.push(`${alias}.site_id = ANY($${params.push(scope.siteIds)}::text[])`);
    if (scope.datasetId !== null) {
      conditions.push(`${alias}.patient_id IN (SELECT patient_id FROM edc_subjects WHERE dataset_id = $${params.push(scope.datasetId)}::uuid)`);
    }
    return conditions.join(' AND ');
  }

  /** Runs of the study that read only sites of the scope (every run, for a whole-study scope). */
  private runConditions(scope: AnalysisScope, alias: string, params: unknown[]): string {
    const conditions = [`${alias}.protocol_id = $${params.push(scope.protocolId)}`];
    if (scope.siteIds !== null) conditions.push(`${alias}.site_ids IS NOT NULL AND ${alias}.site_ids <@ $${params.push(scope.siteIds)}::text[]`);
    if (scope.datasetId !== null) conditions.push(`${alias}.dataset_id = $${params.push(scope.datasetId)}::uuid`);
    return conditions.join(' AND ');
  }
}

interface DemographicsSqlRow {
  arm: string | null;
  overall: boolean;
  subjects: number;
  age_n: number;
  age_mean: number | null;
  age_sd: number | null;
  age_min: number | null;
  age_max: number | null;
  f: number;
  m: number;
  u: number;
  missing: number;
}
