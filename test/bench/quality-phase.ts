import type pg from 'pg';
import type { Headers } from './generation-job.js';

/** A full run of the default edit checks over a stored dataset, and a plain scan of the same rows. */
export interface QualityResults {
  outcome: 'finished' | 'failed';
  /** Why it failed; null when it finished. */
  error: string | null;
  protocolId: string;
  datasetId: string;
  /** The run's own counts (POST /quality/checks/run). */
  rowsChecked: number;
  findings: number;
  queriesOpened: number;
  rules: number;
  seconds: number;
  rowsPerSecond: number;
  /** The same rows read once by one aggregate of the four range checks: the database's own scan rate. */
  plainScan: { rows: number; seconds: number; rowsPerSecond: number };
}

const RUN_TIMEOUT_MS = 10 * 60_000;

async function plainScan(db: pg.Client, datasetId: string): Promise<QualityResults['plainScan']> {
  const started = performance.now();
  const { rows } = await db.query<{ n: number; flagged: number }>(
    `SELECT count(*)::int AS n,
            count(*) FILTER (WHERE systolic_bp NOT BETWEEN 95 AND 200 OR diastolic_bp NOT BETWEEN 55 AND 130
                                OR heart_rate NOT BETWEEN 50 AND 120 OR temperature NOT BETWEEN 35 AND 40)::int AS flagged
       FROM edc_vitals WHERE dataset_id = $1`,
    [datasetId],
  );
  const seconds = (performance.now() - started) / 1000;
  return { rows: rows[0].n, seconds, rowsPerSecond: rows[0].n / seconds };
}

/**
 * Runs the study's checks (the default rules) over the rows of a stored generated dataset through
 * POST /quality/checks/run, then times a plain aggregate over the same rows as the machine's
 * limit for reading them. A failed run is reported, not thrown.
 */
export async function measureQualityRun(origin: string, headers: Headers, db: pg.Client, datasetId: string): Promise<QualityResults> {
  const { rows } = await db.query<{ protocol_id: string }>(`SELECT protocol_id FROM generation_datasets WHERE id = $1`, [datasetId]);
  const protocolId = rows[0]?.protocol_id;
  if (!protocolId) throw new Error(`dataset ${datasetId} is not in generation_datasets`);
  const started = performance.now();
  const response = await fetch(`${origin}/quality/checks/run`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ study: protocolId, dataset_id: datasetId }),
    signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
  });
  const text = await response.text();
  const seconds = (performance.now() - started) / 1000;
  const scan = await plainScan(db, datasetId);
  const base = { protocolId, datasetId, seconds, plainScan: scan };
  if (response.status !== 201) {
    return { ...base, outcome: 'failed', error: `${response.status}: ${text.slice(0, 300)}`, rowsChecked: 0, findings: 0, queriesOpened: 0, rules: 0, rowsPerSecond: 0 };
  }
  const run = JSON.parse(text) as { rows_checked: number; findings_total: number; queries_opened: number; findings_by_rule: Record<string, number>; rules_checked?: number };
  return {
    ...base,
    outcome: 'finished',
    error: null,
    rowsChecked: run.rows_checked,
    findings: run.findings_total,
    queriesOpened: run.queries_opened,
    rules: run.rules_checked ?? Object.keys(run.findings_by_rule).length,
    rowsPerSecond: run.rows_checked / seconds,
  };
}
