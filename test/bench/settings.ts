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
export const PROTOCOL = { api: 'BENCH-API', copy: 'BENCH-COPY', warmup: 'BENCH-WARMUP', generationCopy: 'BENCH-GEN-COPY' } as const;

/** The read runs' length: BENCH_SECONDS, 10 s by default. */
export function readSeconds(): number {
  const raw = process.env.BENCH_SECONDS;
  const seconds = raw === undefined || raw === '' ? 10 : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`BENCH_SECONDS must be a positive number of seconds, not "${raw}"`);
  return seconds;
}

/** Visits per subject in the default study's schedule: records = subjects x visits (no visit missed by default). */
export const GENERATION_VISITS_PER_SUBJECT = 4;
/** The generation job is cancelled and reported as given up after this long. */
export const GENERATION_JOB_TIMEOUT_MS = 30 * 60_000;

/**
 * Vital records the generation phase generates and stores (then COPYs as its baseline):
 * BENCH_GENERATION_RECORDS, 1,000,000 by default (the figure); 0 skips the phase.
 */
export function generationRecords(): number {
  const raw = process.env.BENCH_GENERATION_RECORDS;
  const records = raw === undefined || raw === '' ? 1_000_000 : Number(raw);
  const perSubject = GENERATION_VISITS_PER_SUBJECT;
  if (!Number.isInteger(records) || records < 0 || records % perSubject !== 0 || (records > 0 && records < 2 * perSubject)) {
    throw new Error(`BENCH_GENERATION_RECORDS must be 0 or a whole number of subjects (a multiple of ${perSubject}, at least ${2 * perSubject}), not "${raw}"`);
  }
  return records;
}
