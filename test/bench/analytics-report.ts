import type { AnalyticsResults, TimedAnalysis } from './analytics-phase.js';
import { fmt, row } from './report.js';

/** The descriptive tables and the ANCOVA together, in rows per second over the plain aggregate's; no target is set. */
export function analyticsRatio(results: AnalyticsResults): number | null {
  const { descriptive, comparisons, plainAggregate } = results;
  if (descriptive.error !== null || comparisons.error !== null) return null;
  return descriptive.recordsUsed / (descriptive.seconds + comparisons.seconds) / plainAggregate.rowsPerSecond;
}

function analysisRow(label: string, analysis: TimedAnalysis, what: string): string {
  if (analysis.error !== null) return row(label, 'FAILED', `${analysis.status} after ${fmt(analysis.seconds, 1)} s: ${analysis.error}`);
  return row(label, `${fmt(analysis.recordsUsed / analysis.seconds)} rows/s`, `${fmt(analysis.recordsUsed)} rows in ${fmt(analysis.seconds, 2)} s${analysis.cached ? ' (cached)' : ''}; ${what}`);
}

export function printAnalyticsResults(results: AnalyticsResults): void {
  const lines = [
    '',
    analysisRow('Statistics: descriptive tables', results.descriptive, '4 vitals x arm x visit, n/mean/SD/median/quartiles/min/max, and change from baseline'),
    analysisRow('Statistics: Welch and ANCOVA', results.comparisons, 'systolic BP, every post-baseline visit'),
    analysisRow('Statistics: descriptive, asked again', results.descriptiveAgain, 'served from the cache'),
    row('Same rows, one plain aggregate', `${fmt(results.plainAggregate.rowsPerSecond)} rows/s`, `${fmt(results.plainAggregate.rows)} rows, count/mean/SD of 4 vitals per arm and visit, ${fmt(results.plainAggregate.seconds, 2)} s`),
  ];
  const r = analyticsRatio(results);
  if (r !== null) lines.push('', `  ${'Descriptive + ANCOVA / plain aggregate'.padEnd(36)} ${fmt(r, 2).padStart(6)}  (no target: what the full statistics cost against one plain GROUP BY)`);
  console.log(lines.join('\n') + '\n');
}
