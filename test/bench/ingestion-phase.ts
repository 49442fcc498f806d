import type pg from 'pg';
import { type CopyFigures, copyLoad } from './copy-loader.js';
import { type IngestionFigures, ingest } from './http-load.js';
import { medianBy } from './report.js';
import { BATCH_SIZE, INGEST_CLIENTS, PROTOCOL, RUNS, SUBJECTS } from './settings.js';
import { chunks, subjectIds, VISITS, vitalRecords } from './workload.js';

export interface Measured<T> {
  median: T;
  runs: T[];
  /** One protocol per run, so each run's rows can be counted afterwards. */
  protocols: string[];
}

/** Subjects of the first store-vitals run: those the read phase asks for. */
export const apiSubjects = (): string[] => subjectIds('API1', SUBJECTS);

export async function measureStoreVitals(origin: string, headers: Record<string, string>): Promise<Measured<IngestionFigures>> {
  // One round of small batches, one per client, on other subjects: JIT, pool connections and
  // query plans warm up; not counted.
  await ingest(origin, headers, chunks(vitalRecords(subjectIds('WARM', INGEST_CLIENTS * 10), PROTOCOL.warmup), 50), INGEST_CLIENTS);
  const protocols = Array.from({ length: RUNS }, (_, run) => `${PROTOCOL.api}-${run + 1}`);
  const runs: IngestionFigures[] = [];
  for (const [run, protocol] of protocols.entries()) {
    const records = vitalRecords(run === 0 ? apiSubjects() : subjectIds(`API${run + 1}`, SUBJECTS), protocol);
    runs.push(await ingest(origin, headers, chunks(records, BATCH_SIZE), INGEST_CLIENTS));
  }
  return { median: medianBy(runs, (run) => run.recordsPerSecond), runs, protocols };
}

export async function measureCopy(db: pg.Client): Promise<Measured<CopyFigures>> {
  const warmup = `${PROTOCOL.copy}-WARMUP`;
  await copyLoad(db, warmup, vitalRecords(subjectIds('CWARM', 20), warmup));
  const protocols = Array.from({ length: RUNS }, (_, run) => `${PROTOCOL.copy}-${run + 1}`);
  const runs: CopyFigures[] = [];
  for (const [run, protocol] of protocols.entries()) {
    runs.push(await copyLoad(db, protocol, vitalRecords(subjectIds(`COPY${run + 1}`, SUBJECTS), protocol)));
  }
  return { median: medianBy(runs, (run) => run.recordsPerSecond), runs, protocols };
}

/** Counts what each run left in vital_signs: the answers' counts are the platform's word, this is the table's. */
export async function verifyStored(db: pg.Client, protocols: string[]): Promise<number> {
  const { rows } = await db.query<{ protocol_id: string; records: number }>(
    `SELECT p.protocol_id, count(*)::int AS records FROM vital_signs v JOIN patients p ON p.id = v.patient_id
      WHERE p.protocol_id = ANY($1) GROUP BY p.protocol_id`,
    [protocols],
  );
  const stored: Record<string, number> = Object.fromEntries(rows.map((row) => [row.protocol_id, row.records]));
  const expected = SUBJECTS * VISITS.length;
  if (protocols.some((protocol) => stored[protocol] !== expected)) {
    throw new Error(`vital_signs holds ${JSON.stringify(stored)} records by protocol; expected ${expected} for each`);
  }
  return protocols.length * expected;
}
