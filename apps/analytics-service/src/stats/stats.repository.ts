import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DeadlineTransactions, type WorkDeadline } from '../../../../libs/database/src/index.js';
import type { Vital } from './dto/stats-requests.dto.js';
import type { VitalsSource } from './vitals-source.js';

/** The visits a table covers: the study's baseline visit, and the post-baseline visits of its schedule. */
export interface VisitPlan {
  baselineVisit: string;
  postBaselineVisits: string[];
}

/** One vital sign in one arm at one visit. */
export interface SummaryRow {
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

/** Change from baseline, with the sufficient statistics of (change, baseline) pairs for ANCOVA. */
export interface ChangeRow extends SummaryRow {
  mean_baseline: number | null;
  sxx: number | null;
  sxy: number | null;
  syy: number | null;
}

export interface ArmValues {
  arm: string;
  /** Subjects with a value (each counted once). */
  n: number;
  /** Records with a value at the visit, a subject's repeats included. */
  records: number;
  mean: number | null;
  sd: number | null;
}

export interface Tables<V, C> {
  values: V[];
  changes: C[];
  /** Records of the source read (vital-sign records in scope). */
  recordsUsed: number;
  /** Records of subjects without an arm (not randomized): in no table. */
  recordsWithoutArm: number;
  /** Records of subjects with an arm left out because the subject has an earlier record at that visit. */
  repeatRecords: number;
}

const DESCRIPTIVE = ['n', 'mean', 'sd', 'median', 'q1', 'q3', 'min', 'max'] as const;
const MOMENTS = ['n', 'mean', 'sd'] as const;
const REGRESSION = ['n', 'mean', 'sd', 'mean_baseline', 'sxx', 'sxy', 'syy'] as const;

/**
 * The statistics' SQL. Vital signs stay in their columns (one aggregate per vital and figure over
 * the rows grouped by arm and visit): unpivoting into one row per value quadruples what is hashed
 * and sorted. Values and changes are two statements in one read-only repeatable-read transaction,
 * so both see the same data (the changes' statement is skipped when no visit follows baseline).
 *
 * Each subject counts once per visit: its earliest record there (by measurement time, then visit
 * date, then record id), the rule that also picks its baseline. Every stored record holds all
 * four vital signs (NOT NULL columns), so that record's values are also each vital's earliest.
 * Subjects without an arm (enrolled, not randomized) are left out of every table.
 */
@Injectable()
export class StatsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: DeadlineTransactions,
  ) {}

  /** Per vital × arm × visit: n, mean, sd, median, quartiles, min and max of the values, and of change from baseline. */
  descriptive(source: VitalsSource, vitals: readonly Vital[], plan: VisitPlan, db?: EntityManager, deadline?: WorkDeadline): Promise<Tables<DescriptiveRow, DescriptiveRow>> {
    const figures = (value: string) => `count(${value}) AS n, avg(${value}) AS mean, stddev_samp(${value}) AS sd,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ${value}) AS median,
      percentile_cont(0.25) WITHIN GROUP (ORDER BY ${value}) AS q1,
      percentile_cont(0.75) WITHIN GROUP (ORDER BY ${value}) AS q3, min(${value}) AS min, max(${value}) AS max`;
    return this.tables(source, vitals, plan, figures, figures, DESCRIPTIVE, DESCRIPTIVE, db, deadline);
  }

  /** Per vital × arm × visit: n, mean, sd of the values; of the changes also regr_* of change on baseline. */
  comparisons(source: VitalsSource, vitals: readonly Vital[], plan: VisitPlan, db?: EntityManager, deadline?: WorkDeadline): Promise<Tables<SummaryRow, ChangeRow>> {
    const moments = (value: string) => `count(${value}) AS n, avg(${value}) AS mean, stddev_samp(${value}) AS sd`;
    const regression = (change: string, baseline: string) =>
      `${moments(change)}, regr_avgx(${change}, ${baseline}) AS mean_baseline,
       regr_sxx(${change}, ${baseline}) AS sxx, regr_sxy(${change}, ${baseline}) AS sxy, regr_syy(${change}, ${baseline}) AS syy`;
    return this.tables(source, vitals, plan, moments, regression, MOMENTS, REGRESSION, db, deadline);
  }

  /** Systolic BP at one visit in the given arms: per arm, each subject's earliest value there (arms without values absent). */
  async systolicAt(source: VitalsSource, visit: string, arms: readonly string[]): Promise<ArmValues[]> {
    const params = [...source.params];
    return (await this.dataSource.query(
      `SELECT f.arm, count(*)::int AS n, sum(f.records)::int AS records, avg(f.systolic_bp) AS mean, stddev_samp(f.systolic_bp) AS sd
         FROM (SELECT DISTINCT ON (s.subject) s.arm, s.systolic_bp, count(*) OVER (PARTITION BY s.subject) AS records
                 FROM (${source.sql}) s
                WHERE s.visit = $${params.push(visit)} AND s.arm = ANY($${params.push(arms)}::text[]) AND s.systolic_bp IS NOT NULL
                ORDER BY s.subject, ${EARLIEST}) f
        GROUP BY f.arm`,
      params,
    )) as ArmValues[];
  }

  private async tables<V extends SummaryRow, C extends SummaryRow>(
    source: VitalsSource,
    vitals: readonly Vital[],
    plan: VisitPlan,
    valueFigures: (value: string) => string,
    changeFigures: (change: string, baseline: string) => string,
    valueNames: readonly string[],
    changeNames: readonly string[],
    /** The caller's transaction (its snapshot); without one, a read-only repeatable-read transaction of its own. */
    db?: EntityManager,
    /** Without `db`: the route's deadline, at which the statement running is cancelled. */
    deadline?: WorkDeadline,
  ): Promise<Tables<V, C>> {
    const valueParams = [...source.params];
    // Subjects without an arm stay in (one group per visit) to be counted, and are dropped below.
    const valuesSql = `
      SELECT s.arm, s.visit, count(*)::int AS rows, ${vitals.map((vital) => prefixed(valueFigures(`s.${vital}`), vital)).join(',\n')}
        FROM (${firstPerVisit(source.sql, 'TRUE')}) s
       GROUP BY s.arm, s.visit`;
    const countSql = `SELECT count(*)::int AS records, (count(*) FILTER (WHERE s.arm IS NULL))::int AS without_arm FROM (${source.sql}) s`;
    const changeParams = [...source.params];
    const baselineVisit = `$${changeParams.push(plan.baselineVisit)}`;
    const postBaseline = `$${changeParams.push(plan.postBaselineVisits)}::text[]`;
    const changesSql = `
      WITH baseline AS (${firstPerVisit(source.sql, `s.visit = ${baselineVisit}`)})
      SELECT s.arm, s.visit, count(*)::int AS rows, ${vitals.map((vital) => prefixed(changeFigures(`(s.${vital} - b.${vital})`, `b.${vital}`), vital)).join(',\n')}
        FROM (${firstPerVisit(source.sql, `s.visit = ANY(${postBaseline}) AND s.arm IS NOT NULL`)}) s JOIN baseline b ON b.subject = s.subject
       GROUP BY s.arm, s.visit`;
    const read = async (tx: EntityManager): Promise<Tables<V, C>> => {
      const [counts] = (await tx.query(countSql, source.params)) as Array<{ records: number; without_arm: number }>;
      const valueRows = ((await tx.query(valuesSql, valueParams)) as GroupRow[]).filter((row): row is ArmGroupRow => row.arm !== null);
      const changeRows = plan.postBaselineVisits.length === 0 ? [] : ((await tx.query(changesSql, changeParams)) as ArmGroupRow[]);
      const subjectVisits = valueRows.reduce((total, row) => total + row.rows, 0);
      return {
        values: unpivot<V>(valueRows, vitals, valueNames),
        changes: unpivot<C>(changeRows, vitals, changeNames),
        recordsUsed: counts.records,
        recordsWithoutArm: counts.without_arm,
        repeatRecords: counts.records - counts.without_arm - subjectVisits,
      };
    };
    if (db) {
      await db.query(SORT_MEMORY);
      return read(db);
    }
    return this.transactions.run(deadline ?? { limitMs: STATS_DEADLINE_MS, tooLate: statisticsTooSlow }, 'REPEATABLE READ', async (tx, checkpoint) => {
      await tx.query('SET TRANSACTION READ ONLY');
      await tx.query(SORT_MEMORY);
      checkpoint();
      return read(tx);
    });
  }
}

/** A group's row: arm (null: subjects without one), visit, and `<vital>_<figure>` columns. */
interface GroupRow {
  arm: string | null;
  visit: string;
  rows: number;
  [column: string]: string | number | null;
}

interface ArmGroupRow extends GroupRow {
  arm: string;
}

/**
 * The statistics over a whole study outlast REQUEST_TIMEOUT_MS and the default statement timeout
 * at a million vitals (each subject's one record per visit, the baseline and the quartiles are
 * sorts of every row): they have a deadline of their own, at which the statement is cancelled.
 */
export const STATS_DEADLINE_MS = 120_000;

export const statisticsTooSlow = (): Error =>
  new ServiceUnavailableException(
    `The statistics did not finish within their deadline (${STATS_DEADLINE_MS / 1000} s) and were stopped; ask for one site or one dataset at a time, or try again later`,
  );

/** Sort memory for this transaction only: the per-visit and quartile sorts of a large study then stay off disk. */
const SORT_MEMORY = "SET LOCAL work_mem = '128MB'";

/** A subject's earliest record at a visit: by measurement time, then visit date, then record id. */
const EARLIEST = 's.taken_at NULLS LAST, s.taken_on NULLS LAST, s.row_key';

/** One row per subject and visit of the source rows matching `condition` (over alias `s`): the earliest. */
function firstPerVisit(sourceSql: string, condition: string): string {
  return `SELECT DISTINCT ON (s.subject, s.visit) s.* FROM (${sourceSql}) s WHERE ${condition} ORDER BY s.subject, s.visit, ${EARLIEST}`;
}

/** `count(x) AS n, avg(x) AS mean` → `count(x) AS systolic_bp_n, avg(x) AS systolic_bp_mean`. */
function prefixed(figures: string, vital: Vital): string {
  return figures.replace(/ AS (\w+)/g, ` AS ${vital}_$1`);
}

/** One row per vital of each group's row, leaving out vitals without values in the group. */
function unpivot<T extends SummaryRow>(rows: ArmGroupRow[], vitals: readonly Vital[], names: readonly string[]): T[] {
  return rows.flatMap((row) =>
    vitals
      .filter((vital) => Number(row[`${vital}_n`]) > 0)
      .map((vital) => {
        const figures = Object.fromEntries(names.map((name) => [name, row[`${vital}_${name}`]]));
        return { vital, arm: row.arm, visit: row.visit, ...figures, n: Number(row[`${vital}_n`]) } as unknown as T; // built from the named columns above
      }),
  );
}
