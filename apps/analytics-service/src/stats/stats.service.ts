import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AnalyticsCache } from '../results/analytics-cache.js';
import type { ResultMeta } from '../results/result-meta.js';
import { type AnalysisScope, describeScope } from '../scope/analysis-scope.js';
import { referenceArm, StudyDesignReader } from '../scope/study-design.reader.js';
import { ancova, welchTest } from '../statistics/index.js';
import { VITALS, type Vital } from './dto/stats-requests.dto.js';
import type { ArmSummary, ComparisonsResponse, DescriptiveCell, DescriptiveResponse, VisitComparison, WelchSet } from './dto/stats-responses.js';
import type { WorkDeadline } from '../../../../libs/database/src/index.js';
import { type ChangeRow, type DescriptiveRow, STATS_DEADLINE_MS, StatsRepository, statisticsTooSlow, type SummaryRow, type Tables } from './stats.repository.js';
import { armComparator, distinctSorted, visitComparator, visitPlan } from './visit-order.js';
import { storedVitals } from './vitals-source.js';

const CONFIDENCE = 0.95;

/** A result as cached: everything but whether this answer came from the cache. */
type Computed<T extends { meta: ResultMeta }> = Omit<T, 'meta'> & { meta: Omit<ResultMeta, 'cached'> };

/**
 * Descriptive tables and between-arm comparisons of the vital signs by arm and visit, over the
 * stored data of a scope. Also used by the clinical study report.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly repository: StatsRepository,
    private readonly designs: StudyDesignReader,
    private readonly cache: AnalyticsCache,
  ) {}

  /**
   * In `db`, the caller's transaction (the study report reads everything in one snapshot), the
   * tables are computed there and not cached; otherwise through the cache.
   */
  async descriptive(scope: AnalysisScope, db?: EntityManager, deadline?: AbortSignal): Promise<DescriptiveResponse> {
    if (db) return uncached(await this.computeDescriptive(scope, db));
    const { value, cached } = await this.cache.read('stats-descriptive', scope, null, () => this.computeDescriptive(scope, undefined, deadline));
    return answered(value, scope, cached);
  }

  /** As `descriptive`: in the caller's transaction `db` when given, else through the cache. */
  async comparisons(scope: AnalysisScope, vitals: readonly Vital[] = VITALS, db?: EntityManager, deadline?: AbortSignal): Promise<ComparisonsResponse> {
    const analysed = VITALS.filter((vital) => vitals.includes(vital));
    if (db) return uncached(await this.computeComparisons(scope, analysed, db));
    const { value, cached } = await this.cache.read('stats-comparisons', scope, analysed, () => this.computeComparisons(scope, analysed, undefined, deadline));
    return answered(value, scope, cached);
  }

  private async computeDescriptive(scope: AnalysisScope, db?: EntityManager, deadline?: AbortSignal): Promise<Computed<DescriptiveResponse>> {
    const design = await this.designs.read(scope.protocolId, db);
    const tables = await this.repository.descriptive(storedVitals(scope), VITALS, visitPlan(design), db, statsDeadline(deadline));
    const { values, changes } = tables;
    const byVisit = visitComparator(design);
    const byArm = armComparator(design);
    const order = (a: SummaryRow, b: SummaryRow) => VITALS.indexOf(a.vital) - VITALS.indexOf(b.vital) || byVisit(a.visit, b.visit) || byArm(a.arm, b.arm);
    const cells = (rows: DescriptiveRow[]): DescriptiveCell[] =>
      [...rows].sort(order).map(({ vital, arm, visit, n, mean, sd, median, q1, q3, min, max }) => ({ vital, arm, visit, n, mean, sd, median, q1, q3, min, max }));
    return {
      baseline_visit: design.baselineVisit,
      arms: distinctSorted([...design.arms.map((arm) => arm.code), ...values.map((row) => row.arm)], byArm),
      visits: distinctSorted(values.map((row) => row.visit), byVisit),
      values: cells(values),
      change_from_baseline: cells(changes),
      ...leftOut(tables),
      meta: { scope: describeScope(scope), records_used: tables.recordsUsed, computed_at: new Date().toISOString() },
    };
  }

  private async computeComparisons(scope: AnalysisScope, vitals: Vital[], db?: EntityManager, deadline?: AbortSignal): Promise<Computed<ComparisonsResponse>> {
    const design = await this.designs.read(scope.protocolId, db);
    const plan = visitPlan(design);
    const tables = await this.repository.comparisons(storedVitals(scope), vitals, plan, db, statsDeadline(deadline));
    const { values, changes } = tables;
    const arms = distinctSorted([...design.arms.map((arm) => arm.code), ...values.map((row) => row.arm)], armComparator(design));
    // A study without listed arms compares with the first arm of its data.
    const reference = referenceArm(design) ?? arms[0] ?? null;
    const comparisons: VisitComparison[] = [];
    for (const vital of vitals) {
      for (const visit of plan.postBaselineVisits) {
        const at = <T extends SummaryRow>(rows: T[]) => rows.filter((row) => row.vital === vital && row.visit === visit);
        if (reference === null || at(values).length === 0) continue;
        comparisons.push(compareAtVisit(vital, visit, at(values), at(changes), arms, reference));
      }
    }
    return {
      baseline_visit: design.baselineVisit,
      reference_arm: reference,
      vitals,
      visits: plan.postBaselineVisits,
      comparisons,
      ...leftOut(tables),
      meta: { scope: describeScope(scope), records_used: tables.recordsUsed, computed_at: new Date().toISOString() },
    };
  }
}

/** The records read but in no table: subjects without an arm, and subjects' later records at a visit. */
function leftOut(tables: Tables<SummaryRow, SummaryRow>): { records_without_arm: number; repeat_records: number } {
  return { records_without_arm: tables.recordsWithoutArm, repeat_records: tables.repeatRecords };
}

const statsDeadline = (signal: AbortSignal | undefined): WorkDeadline => ({ limitMs: STATS_DEADLINE_MS, signal, tooLate: statisticsTooSlow });

function uncached<T extends { meta: ResultMeta }>(computed: Computed<T>): T {
  return { ...computed, meta: { ...computed.meta, cached: false } } as T;
}

/**
 * A cached result as this caller's answer: the same data may have been computed for another
 * caller (an admin asking for site S01, a monitor limited to it), so the scope is described anew.
 */
function answered<T extends { meta: ResultMeta }>(computed: Computed<T>, scope: AnalysisScope, cached: boolean): T {
  return { ...computed, meta: { ...computed.meta, scope: describeScope(scope), cached } } as T;
}

/** Welch tests (values, changes) and the ANCOVA of one vital at one visit; arms without data are left out. */
function compareAtVisit(vital: Vital, visit: string, values: SummaryRow[], changes: ChangeRow[], arms: string[], reference: string): VisitComparison {
  const changesByArm = arms.map((arm) => changes.find((row) => row.arm === arm)).filter((row) => row !== undefined);
  return {
    vital,
    visit,
    values: welchSet(values, arms, reference),
    change_from_baseline: welchSet(changesByArm, arms, reference),
    ancova: ancova(
      changesByArm.map((row) => ({ group: row.arm, n: row.n, meanX: row.mean_baseline, meanY: row.mean, sxx: row.sxx, sxy: row.sxy, syy: row.syy })),
      reference,
      CONFIDENCE,
    ),
  };
}

function welchSet(rows: SummaryRow[], arms: string[], reference: string): WelchSet {
  const summaries: ArmSummary[] = arms
    .map((arm) => rows.find((row) => row.arm === arm))
    .filter((row) => row !== undefined)
    .map(({ arm, n, mean, sd }) => ({ arm, n, mean, sd }));
  const referenceSummary = summaries.find((summary) => summary.arm === reference) ?? { arm: reference, n: 0, mean: null, sd: null };
  return {
    arms: summaries,
    comparisons: summaries
      .filter((summary) => summary.arm !== reference)
      .map((summary) => ({ arm: summary.arm, reference, ...welchTest(summary, referenceSummary, CONFIDENCE) })),
  };
}
