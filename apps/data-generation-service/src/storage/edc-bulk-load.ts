import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { GeneratedAdverseEvent, GeneratedSubject, GeneratedVital, SubjectBlock } from '../generators/dataset.js';
import { copyField as f } from './copy-text.js';

/**
 * The generation service's client of the EDC's bulk-load contract (the EDC's migration
 * 1765000000000): a dataset goes into a study's tables only through `edc_bulk_load_begin()`, one
 * COPY into its temporary table, and `edc_bulk_load_finish(dataset, study)`, all in the caller's
 * transaction on one connection. The EDC checks the load against capture's rules and refuses it
 * whole (SQLSTATE CT404/CT409/CT422, a message for the user) or stores it.
 *
 * After the transaction commits, the caller applies the cache invalidations finish recorded
 * (`CacheService.applyRecordedInvalidations()`), so reads of the new subjects are fresh at once
 * rather than after the next replay.
 */

export interface BulkLoadCounts {
  subjects: number;
  vitalSigns: number;
  adverseEvents: number;
}

/** The contract's temporary table, its columns in the order of `copyLinesOf`'s fields. */
const COPY_SQL = `COPY pg_temp.edc_bulk_load_rows (kind, subject_number, site_id, treatment_arm, status, enrollment_date, consent_date,
  demographics, visit_name, visit_date, measurement_time, systolic_bp, diastolic_bp, heart_rate, temperature, respiratory_rate,
  term, body_system, onset_date, end_date, severity_grade, serious, relationship, outcome, action_taken) FROM STDIN`;

// Runs of null fields, by what a kind of row leaves empty.
const NULLS = (count: number): string => '\t\\N'.repeat(count);
const AFTER_SUBJECT = NULLS(17);
const VITAL_SUBJECT_FIELDS = NULLS(4);
const AFTER_VITAL = NULLS(9);
const BEFORE_EVENT = NULLS(14);

/**
 * The platform's connections end any statement after DB_STATEMENT_TIMEOUT_MS (30 s by default); a
 * load's COPY lasts as long as generation, and its finish about as long as a plain COPY of the same
 * rows (about a minute for a million vitals): the load's transaction needs a limit of its own.
 */
export const BULK_LOAD_STATEMENT_TIMEOUT_MS = 60 * 60 * 1000;

/** Memory for finish's sorts and joins, for this transaction only. */
const BULK_LOAD_WORK_MEM = '64MB';

/**
 * Opens the load: the contract's temporary table for this transaction. Call inside a transaction
 * whose statement timeout suits the load (set it here with `statementTimeoutMs`, for this
 * transaction only, or before).
 */
export async function beginBulkLoad(client: pg.ClientBase, options: { statementTimeoutMs?: number } = {}): Promise<void> {
  if (options.statementTimeoutMs !== undefined) {
    await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(options.statementTimeoutMs)]);
  }
  // Finish joins a million records to their subjects: with the default 4 MB it spills to disk.
  await client.query(`SELECT set_config('work_mem', $1, true)`, [BULK_LOAD_WORK_MEM]);
  await client.query('SELECT edc_bulk_load_begin()');
}

/** The COPY into the load's table: write `copyLinesOf` text to it, end it, await its finish. */
export function bulkLoadStream(client: pg.ClientBase): Writable {
  return client.query(copyStreams.from(COPY_SQL));
}

/** A subject block as COPY text lines: the subject, its storable vital records, its adverse events. */
export function copyLinesOf(block: SubjectBlock): string {
  let text = subjectLine(block.subject);
  const unstorable = block.unstorable.length > 0 ? new Set(block.unstorable) : undefined;
  for (let index = 0; index < block.records.length; index++) {
    if (!unstorable?.has(index)) text += vitalLine(block.records[index]);
  }
  for (const event of block.adverseEvents) text += adverseEventLine(event);
  return text;
}

/** Text handed to the COPY at a time: few writes, bounded memory. */
const CHUNK_CHARACTERS = 256 * 1024;

/**
 * Streams the blocks into the COPY in chunks, waiting whenever the connection is behind
 * (backpressure), so memory stays bounded whatever the dataset's size. When the blocks stop with
 * an error (a cancellation, an abort), the COPY is failed with it and the error is thrown here,
 * once: the server's answer to the failed COPY is awaited, never left to surface on its own.
 */
export async function copySubjectBlocks(
  client: pg.ClientBase,
  blocks: Iterable<SubjectBlock> | AsyncIterable<SubjectBlock>,
  options: { chunkCharacters?: number } = {},
): Promise<void> {
  const chunkCharacters = options.chunkCharacters ?? CHUNK_CHARACTERS;
  const stream = bulkLoadStream(client);
  const done = finished(stream);
  // Awaited below; until then a refusal by the server must not count as unhandled.
  done.catch(() => undefined);
  let chunk = '';
  try {
    for await (const block of blocks) {
      chunk += copyLinesOf(block);
      if (chunk.length >= chunkCharacters) {
        const ready = stream.write(chunk);
        chunk = '';
        if (!ready) await Promise.race([once(stream, 'drain'), done]);
        // Generation is synchronous and drain can come without a turn of the event loop: give the
        // process's other requests their turn after each chunk, or they wait for the whole load.
        await setImmediate();
      }
    }
    if (chunk.length > 0) stream.write(chunk);
    stream.end();
    await done;
  } catch (error) {
    stream.destroy(error as Error);
    await done.catch(() => undefined);
    throw error;
  }
}

/** Checks and stores the load (refused whole with a CT4xx SQLSTATE); returns what was stored. */
export async function finishBulkLoad(client: pg.ClientBase, datasetId: string, protocolId: string): Promise<BulkLoadCounts> {
  const { rows } = await client.query<{ subjects: number; vital_signs: number; adverse_events: number }>(
    'SELECT subjects, vital_signs, adverse_events FROM edc_bulk_load_finish($1, $2)',
    [datasetId, protocolId],
  );
  return { subjects: rows[0].subjects, vitalSigns: rows[0].vital_signs, adverseEvents: rows[0].adverse_events };
}

/**
 * begin, COPY and finish, in the caller's transaction (which also records the dataset's audit
 * event), with a statement timeout of BULK_LOAD_STATEMENT_TIMEOUT_MS unless told otherwise.
 */
export async function bulkLoad(
  client: pg.ClientBase,
  load: { datasetId: string; protocolId: string; blocks: Iterable<SubjectBlock> | AsyncIterable<SubjectBlock> },
  options: { chunkCharacters?: number; statementTimeoutMs?: number } = {},
): Promise<BulkLoadCounts> {
  await beginBulkLoad(client, { statementTimeoutMs: options.statementTimeoutMs ?? BULK_LOAD_STATEMENT_TIMEOUT_MS });
  await copySubjectBlocks(client, load.blocks, options);
  return finishBulkLoad(client, load.datasetId, load.protocolId);
}

function subjectLine(s: GeneratedSubject): string {
  return (
    'subject\t' + f(s.SubjectID) + '\t' + f(s.SiteID) + '\t' + f(s.TreatmentArm) + '\t' + f(s.Status) + '\t' +
    f(s.EnrollmentDate) + '\t' + f(s.ConsentDate) + '\t' + f(JSON.stringify(s.demographics)) + AFTER_SUBJECT + '\n'
  );
}

function vitalLine(v: GeneratedVital): string {
  return (
    'vital\t' + f(v.SubjectID) + '\t' + f(v.SiteID) + '\t' + f(v.TreatmentArm) + VITAL_SUBJECT_FIELDS + '\t' +
    f(v.VisitName) + '\t' + f(v.VisitDate) + '\t' + f(v.MeasurementTime) + '\t' + f(v.SystolicBP) + '\t' + f(v.DiastolicBP) + '\t' +
    f(v.HeartRate) + '\t' + f(v.Temperature) + '\t' + f(v.RespiratoryRate) + AFTER_VITAL + '\n'
  );
}

function adverseEventLine(e: GeneratedAdverseEvent): string {
  return (
    'adverse_event\t' + f(e.SubjectID) + BEFORE_EVENT + '\t' + f(e.term) + '\t' + f(e.body_system) + '\t' + f(e.onset_date) + '\t' +
    f(e.end_date) + '\t' + f(e.severity_grade) + '\t' + f(e.serious) + '\t' + f(e.relationship) + '\t' + f(e.outcome) + '\t' +
    f(e.action_taken) + '\n'
  );
}
