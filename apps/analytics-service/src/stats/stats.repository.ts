import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Vital } from './dto/stats-requests.dto.js';
import type { VitalsSource } from './vitals-source.js';

/** The visits a table covers: the study's baseline visit, and the post-baseline visits of its schedule. */
export interface VisitPlan {
  baselineVisit: string;
  postBaselineVisits: string[];
}

export interface SummaryRow {
  measure: 'value' | 'change';
  vital: Vital;
  arm: string;
  visit: string;
  n: number;
  mean: number | null;
  sd: number | null;
}

export interface DescriptiveRow extends SummaryRow {
  median: number | null;
  q1: number | null;
  q3: number | null;
  min: number | null;
  max: number | null;
}

/** A comparison row; for change from baseline also the sufficient statistics of (change, baseline) for ANCOVA. */
export interface ComparisonRow extends SummaryRow {
  pairs: number | null;
  mean_baseline: number | null;
  mean_change: number | null;
  sxx: number | null;
  sxy: number | null;
  syy: number | null;
}

export interface ArmValues {
  arm: string;
  n: number;
  mean: number | null;
  sd: number | null;
}

/**
 * The statistics' SQL: each answer is one statement over the rows in scope, grouped in the
 * database (one snapshot; nothing but per-group figures reaches Node).
 */
@Injectable()
export class StatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Per vital × arm × visit: the values' and the changes' summaries, and the rows in scope (the `records` row's n). */
  async descriptive(source: VitalsSource, vitals: readonly Vital[], plan: VisitPlan): Promise<{ rows: DescriptiveRow[]; recordsUsed: number }> {
    const params = [...source.params];
    const summary = `count(*)::int AS n, avg(value) AS mean, stddev_samp(value) AS sd,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS median,
           percentile_cont(0.25) WITHIN GROUP (ORDER BY value) AS q1,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY value) AS q3,
           min(value) AS min, max(value) AS max`;
    const rows = (await this.dataSource.query(
      `${withChanges(source, vitals, plan, params)}
       SELECT 'value' AS measure, vital, arm, visit, ${summary} FROM long GROUP BY vital, arm, visit
       UNION ALL
       SELECT 'change', vital, arm, visit, ${summary} FROM change GROUP BY vital, arm, visit
       UNION ALL
       SELECT 'records', NULL, NULL, NULL, count(*)::int, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM src`,
      params,
    )) as Array<DescriptiveRow | RecordsRow>;
    return splitRecords(rows);
  }

  /** Per vital × arm × post-baseline visit: values and changes (n, mean, sd), and regr_* of change on baseline. */
  async comparisons(source: VitalsSource, vitals: readonly Vital[], plan: VisitPlan): Promise<{ rows: ComparisonRow[]; recordsUsed: number }> {
    const params = [...source.params];
    const post = `$${params.push(plan.postBaselineVisits)}::text[]`;
    const rows = (await this.dataSource.query(
      `${withChanges(source, vitals, plan, params)}
       SELECT 'value' AS measure, vital, arm, visit, count(*)::int AS n, avg(value) AS mean, stddev_samp(value) AS sd,
              NULL::int AS pairs, NULL::float8 AS mean_baseline, NULL::float8 AS mean_change,
              NULL::float8 AS sxx, NULL::float8 AS sxy, NULL::float8 AS syy
         FROM long WHERE visit = ANY(${post}) GROUP BY vital, arm, visit
       UNION ALL
       SELECT 'change', vital, arm, visit, count(*)::int, avg(value), stddev_samp(value),
              regr_count(value, baseline)::int, regr_avgx(value, baseline), regr_avgy(value, baseline),
              regr_sxx(value, baseline), regr_sxy(value, baseline), regr_syy(value, baseline)
         FROM change GROUP BY vital, arm, visit
       UNION ALL
       SELECT 'records', NULL, NULL, NULL, count(*)::int, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM src`,
      params,
    )) as Array<ComparisonRow | RecordsRow>;
    return splitRecords(rows);
  }

  /** Systolic BP at one visit in the given arms: n, mean, sd per arm (arms without values absent). */
  async systolicAt(source: VitalsSource, visit: string, arms: readonly string[]): Promise<ArmValues[]> {
    const params = [...source.params];
    return (await this.dataSource.query(
      `WITH src AS (${source.sql})
       SELECT arm, count(*)::int AS n, avg(systolic_bp) AS mean, stddev_samp(systolic_bp) AS sd
         FROM src
        WHERE visit = $${params.push(visit)} AND arm = ANY($${params.push(arms)}::text[]) AND systolic_bp IS NOT NULL
        GROUP BY arm`,
      params,
    )) as ArmValues[];
  }
}

interface RecordsRow {
  measure: 'records';
  n: number;
}

function splitRecords<T extends { measure: string }>(rows: Array<T | RecordsRow>): { rows: T[]; recordsUsed: number } {
  const records = rows.find((row): row is RecordsRow => row.measure === 'records');
  return { rows: rows.filter((row): row is T => row.measure !== 'records'), recordsUsed: records?.n ?? 0 };
}

/**
 * `src` (the rows), `long` (one row per non-null value of an analysed vital), `baseline` (each
 * subject's earliest value at the baseline visit, per vital) and `change` (value − baseline at each
 * post-baseline visit, with the baseline beside it).
 */
function withChanges(source: VitalsSource, vitals: readonly Vital[], plan: VisitPlan, params: unknown[]): string {
  const analysed = `$${params.push(vitals)}::text[]`;
  const baselineVisit = `$${params.push(plan.baselineVisit)}::text`;
  const post = `$${params.push(plan.postBaselineVisits)}::text[]`;
  return `
    WITH src AS (${source.sql}),
    long AS (
      SELECT s.subject, s.arm, s.visit, s.taken_at, s.taken_on, s.row_key, m.vital, m.value
        FROM src s
       CROSS JOIN LATERAL (VALUES ('systolic_bp', s.systolic_bp), ('diastolic_bp', s.diastolic_bp),
                                  ('heart_rate', s.heart_rate), ('temperature', s.temperature)) AS m(vital, value)
       WHERE m.value IS NOT NULL AND m.vital = ANY(${analysed})
    ),
    baseline AS (
      SELECT DISTINCT ON (subject, vital) subject, vital, value
        FROM long
       WHERE visit = ${baselineVisit}
       ORDER BY subject, vital, taken_at NULLS LAST, taken_on NULLS LAST, row_key
    ),
    change AS (
      SELECT l.vital, l.arm, l.visit, l.value - b.value AS value, b.value AS baseline
        FROM long l JOIN baseline b ON b.subject = l.subject AND b.vital = l.vital
       WHERE l.visit = ANY(${post})
    )`;
}
