import type { QualityResults } from './quality-phase.js';
import { fmt, row } from './report.js';

/** The run's rate over the plain scan's; the issue sets no target for it. */
export function qualityRatio(results: QualityResults): number | null {
  return results.outcome === 'finished' ? results.rowsPerSecond / results.plainScan.rowsPerSecond : null;
}

export function printQualityResults(results: QualityResults): void {
  const lines = [''];
  if (results.outcome === 'finished') {
    lines.push(
      row(
        'Edit checks, full run (default rules)',
        `${fmt(results.rowsPerSecond)} rows/s`,
        `${fmt(results.rowsChecked)} rows checked in ${fmt(results.seconds, 2)} s (one request, set-based in PostgreSQL); ${fmt(results.findings)} findings, ${fmt(results.queriesOpened)} queries opened`,
      ),
    );
  } else {
    lines.push(row('Edit checks, full run (default rules)', 'FAILED', `after ${fmt(results.seconds, 1)} s: ${results.error}`));
  }
  lines.push(row('Same rows, one plain aggregate', `${fmt(results.plainScan.rowsPerSecond)} rows/s`, `${fmt(results.plainScan.rows)} rows, the four range checks only, ${fmt(results.plainScan.seconds, 2)} s`));
  const r = qualityRatio(results);
  if (r !== null) lines.push('', `  ${'Edit checks / plain aggregate'.padEnd(36)} ${fmt(r, 2).padStart(6)}  (no target: how many plain scans one full run costs)`);
  console.log(lines.join('\n') + '\n');
}
