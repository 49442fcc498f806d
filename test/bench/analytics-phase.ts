import type pg from 'pg';
import type { Headers } from './generation-job.js';

/** One timed request of the analytics service over a stored dataset. */
export interface TimedAnalysis {
  status: number;
  /** Why it failed; null when it answered 200. */
  error: string | null;
  seconds: number;
  recordsUsed: number;
  cached: boolean;
}

/** The descriptive tables and the comparisons (Welch, ANCOVA) over a stored dataset, and a plain aggregate of the same rows. */
export interface AnalyticsResults {
  protocolId: string;
  datasetId: string;
  descriptive: TimedAnalysis;
  comparisons: TimedAnalysis;
  /** The descriptive tables asked again: served from the cache. */
  descriptiveAgain: TimedAnalysis;
  /** The same rows by one GROUP BY of count, mean and SD of the four vitals per arm and visit: the database's own rate. */
  plainAggregate: { rows: number; seconds: number; rowsPerSecond: number };
}

const REQUEST_TIMEOUT_MS = 10 * 60_000;

async function timedGet(origin: string, headers: Headers, path: string): Promise<TimedAnalysis> {
  const started = performance.now();
  const response = await fetch(`${origin}${path}`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  const seconds = (performance.now() - started) / 1000;
  if (response.status !== 200) return { status: response.status, error: text.slice(0, 300), seconds, recordsUsed: 0, cached: false };
  const body = JSON.parse(text) as { meta: { records_used: number; cached: boolean } };
  return { status: 200, error: null, seconds, recordsUsed: body.meta.records_used, cached: body.meta.cached };
}

async function plainAggregate(db: pg.Client, datasetId: string): Promise<AnalyticsResults['plainAggregate']> {
  const started = performance.now();
  const { rows } = await db.query<{ n: number }>(
    `SELECT sum(n)::int AS n FROM (
       SELECT treatment_arm, visit_name, count(*) AS n,
              avg(systolic_bp), stddev_samp(systolic_bp), avg(diastolic_bp), stddev_samp(diastolic_bp),
              avg(heart_rate), stddev_samp(heart_rate), avg(temperature), stddev_samp(temperature)
         FROM edc_vitals WHERE dataset_id = $1 GROUP BY treatment_arm, visit_name) cells`,
    [datasetId],
  );
  const seconds = (performance.now() - started) / 1000;
  return { rows: rows[0].n, seconds, rowsPerSecond: rows[0].n / seconds };
}

/**
 * Asks the analytics service for the descriptive tables (every vital, arm and visit, and change
 * from baseline) and for the comparisons of systolic BP (Welch and ANCOVA at every post-baseline
 * visit) over a stored generated dataset, each computed afresh; then the descriptive tables again
 * (the cache); then times a plain aggregate of the same rows as the machine's limit.
 */
export async function measureAnalytics(origin: string, headers: Headers, db: pg.Client, protocolId: string, datasetId: string): Promise<AnalyticsResults> {
  const scope = `study=${encodeURIComponent(protocolId)}&dataset_id=${datasetId}`;
  const descriptive = await timedGet(origin, headers, `/analytics/stats/descriptive?${scope}`);
  const comparisons = await timedGet(origin, headers, `/analytics/stats/comparisons?${scope}&vital=systolic_bp`);
  const descriptiveAgain = await timedGet(origin, headers, `/analytics/stats/descriptive?${scope}`);
  return { protocolId, datasetId, descriptive, comparisons, descriptiveAgain, plainAggregate: await plainAggregate(db, datasetId) };
}
