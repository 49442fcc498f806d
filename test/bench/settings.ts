/** The workload the issue sets; changing one changes what the figures mean, so they are constants. */
export const SUBJECTS = 2_000;
export const BATCH_SIZE = 100;
export const INGEST_CLIENTS = 8;
export const READ_SUBJECTS = 200;
export const READ_CONNECTIONS = 32;
/**
 * Each ingestion path is measured this many times on fresh subjects and the median run reported:
 * one COPY lasts a fraction of a second, and single runs of it varied by a third.
 */
export const RUNS = 3;
export const HEALTH_TIMEOUT_MS = 60_000;
export const PROTOCOL = { api: 'BENCH-API', copy: 'BENCH-COPY', warmup: 'BENCH-WARMUP' } as const;

/** The read runs' length: BENCH_SECONDS, 10 s by default. */
export function readSeconds(): number {
  const raw = process.env.BENCH_SECONDS;
  const seconds = raw === undefined || raw === '' ? 10 : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`BENCH_SECONDS must be a positive number of seconds, not "${raw}"`);
  return seconds;
}
