import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BadRequestException, Injectable, Logger, NotFoundException, PayloadTooLargeException, ServiceUnavailableException } from '@nestjs/common';
import { validateSync } from 'class-validator';
import { CsvError, parse } from 'csv-parse';
import { DataSource } from 'typeorm';
import type { AuditActor } from '../../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../../libs/auth/src/index.js';
import { flattenValidationErrors } from '../../../../../libs/platform/src/index.js';
import { ClinicalChanges } from '../../clinical-changes/clinical-changes.service.js';
import { StudyDirectory } from '../../studies/study-directory.js';
import { VitalRecordDto } from '../dto/store-vitals.dto.js';
import type { VitalsImportResponse } from '../dto/vitals-import.response.js';
import { toVitalRecord, type VitalRecord } from '../vital-record.js';
import { VitalsWriter } from '../vitals-writer.js';
import { byteLimit } from './byte-limit.js';
import { type CsvHeader, lineToRecord, readHeader } from './csv-columns.js';
import { ImportReport, lineLabel } from './import-report.js';

/** Lines written per set-based batch (all batches of an import share one transaction). */
export const IMPORT_CHUNK_LINES = 1_000;
/** The largest file an import takes: about 350,000 lines of the capture table. */
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;
/**
 * An import answers within this instead of REQUEST_TIMEOUT_MS: its work grows with its file. Five
 * minutes is also how long Node gives a client to send a whole request. Past it the import stops
 * and rolls back (the route's deadline signal), so its 503 means nothing was stored.
 */
export const IMPORT_DEADLINE_MS = 5 * 60 * 1000;

export interface ImportRequest {
  protocolId: string;
  body: Readable;
  validOnly: boolean;
  user: AuthenticatedUser;
  actor: AuditActor;
  /** Aborts when the route's deadline passes: the import stops and stores nothing. */
  deadline?: AbortSignal;
}

/**
 * A CSV upload of the capture table, streamed: each line validated with the capture rules as it
 * arrives, valid lines written through the one write path in batches, all in one transaction.
 * By default any refused line rolls everything back; `validOnly` stores the valid lines. Memory
 * holds one batch and at most MAX_LISTED_LINES refused lines, whatever the file's size. The
 * transaction (a pooled connection) opens only once the first batch is parsed, so a slow client
 * holds none before then; ImportSlots bounds how many imports run at once.
 */
@Injectable()
export class VitalsImportService {
  private readonly logger = new Logger('VitalsImport');

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: StudyDirectory,
    private readonly changes: ClinicalChanges,
    private readonly writer: VitalsWriter,
  ) {}

  async import(request: ImportRequest): Promise<VitalsImportResponse> {
    const { protocolId, body, validOnly, user, actor, deadline } = request;
    if (deadline?.aborted) throw importTooSlow();
    if (!(await this.directory.findOne(this.dataSource.manager, protocolId))) throw new NotFoundException(`No study ${protocolId}`);
    const batchId = randomUUID();
    const report = new ImportReport();
    const lines = csvLines(body);
    const stopAtDeadline = () => lines.abort(importTooSlow());
    deadline?.addEventListener('abort', stopAtDeadline, { once: true });
    const batches = validatedBatches(lines, protocolId, report)[Symbol.asyncIterator]();
    const policy = { perRecord: true, refuse: (_kind: string, problems: Parameters<ImportReport['refuseRecords']>[0]) => report.refuseRecords(problems) };
    const totals = { stored: 0, alreadyStored: 0, patientsCreated: 0, queriesOpened: 0 };
    try {
      // No connection is held while a client is slow to send the first batch: the transaction opens once it is parsed.
      const first = await batches.next();
      if (first.done) {
        if (report.linesRefused > 0 && !validOnly) throw report.refusal();
      } else {
        await this.changes.write(actor, async (db, effects) => {
          let next: IteratorResult<VitalRecord[]> = first;
          while (!next.done) {
            const writing = this.writer.write(db, effects, { records: next.value, batchId, user, actor, label: lineLabel, policy });
            // The next batch is parsed and validated while this one is written (one batch ahead, no more).
            const reading = batches.next();
            reading.catch(() => undefined); // awaited below; a failed write must not leave it unhandled
            const outcome = await writing;
            totals.stored += outcome.stored;
            totals.alreadyStored += outcome.alreadyStored;
            totals.patientsCreated += outcome.patientsCreated;
            totals.queriesOpened += outcome.queriesOpened;
            next = await reading;
          }
          // Thrown inside the transaction, so everything written so far is rolled back.
          if (report.linesRefused > 0 && !validOnly) throw report.refusal();
          // Past the deadline nothing commits: its 503 says nothing was stored.
          if (deadline?.aborted) throw importTooSlow();
        });
      }
    } catch (error) {
      throw deadline?.aborted ? importTooSlow() : describeStreamError(error);
    } finally {
      deadline?.removeEventListener('abort', stopAtDeadline);
      lines.finish();
    }
    this.logger.log(`import ${batchId} into ${protocolId}: ${report.linesReceived} lines, ${totals.stored} stored, ${report.linesRefused} refused`);
    return {
      records_stored: totals.stored,
      records_received: report.linesReceived - report.linesRefused,
      records_already_stored: totals.alreadyStored,
      patients_created: totals.patientsCreated,
      batch_id: batchId,
      queries_opened: totals.queriesOpened,
      lines_received: report.linesReceived,
      lines_refused: report.linesRefused,
      errors: report.errors(),
    };
  }
}

const importTooSlow = () =>
  new ServiceUnavailableException(
    'The import did not finish within its deadline; nothing was stored. Send the file again, or split it into smaller imports',
  );

/**
 * The file's valid records in batches of IMPORT_CHUNK_LINES (the last one shorter), each line
 * checked as it arrives; refused lines go to `report`. A file without a header or lines is refused.
 */
async function* validatedBatches(lines: AsyncIterable<CsvLine>, protocolId: string, report: ImportReport): AsyncGenerator<VitalRecord[]> {
  let header: CsvHeader | undefined;
  let chunk: VitalRecord[] = [];
  for await (const { record: cells, info } of lines) {
    if (!header) {
      header = readHeader(cells);
      continue;
    }
    report.linesReceived += 1;
    const checked = checkLine(header, cells, info.lines, protocolId);
    if ('problems' in checked) report.refuseLine(info.lines, checked.problems);
    else chunk.push(checked.record);
    if (chunk.length >= IMPORT_CHUNK_LINES) {
      yield chunk;
      chunk = [];
    }
  }
  if (!header) throw new BadRequestException("The CSV is empty: send a header line with the capture table's column names, then one line per record");
  if (report.linesReceived === 0) throw new BadRequestException('The CSV has a header but no lines');
  if (chunk.length > 0) yield chunk;
}

/** One data line checked with the capture rules (VitalRecordDto), numbered by its line in the file. */
function checkLine(header: CsvHeader, cells: string[], line: number, protocolId: string): { record: VitalRecord } | { problems: string[] } {
  if (cells.length !== header.length) return { problems: [`has ${cells.length} fields; the header has ${header.length}`] };
  const unstorable = unstorableText(header, cells);
  if (unstorable.length > 0) return { problems: unstorable };
  const fields = lineToRecord(header, cells);
  const problems = flattenValidationErrors(validateSync(Object.assign(Object.create(VitalRecordDto.prototype) as VitalRecordDto, fields), { validationError: { target: false, value: true } })).flatMap(
    (detail) => detail.problems.map((problem) => `${detail.field} ${problem}`),
  );
  if (fields.ProtocolID !== undefined && fields.ProtocolID !== protocolId) problems.push(`ProtocolID must be ${protocolId}, the study this file is imported into`);
  if (problems.length > 0) return { problems };
  return { record: toVitalRecord(fields as unknown as VitalRecordDto, line, protocolId) };
}

/**
 * Text the file's bytes cannot have meant, or the database cannot store: bytes that are not UTF-8
 * (decoded as U+FFFD, so that character is refused wherever it comes from) and NUL.
 */
export function unstorableText(header: CsvHeader, cells: string[]): string[] {
  return cells.flatMap((cell, index) => {
    const column = header[index] ?? `field ${index + 1}`;
    const problems: string[] = [];
    if (cell.includes('\uFFFD')) problems.push(`${column} is not UTF-8 text (bytes that are not UTF-8, or U+FFFD); save the file as UTF-8 and send it again`);
    if (cell.includes('\u0000')) problems.push(`${column} contains a NUL character (\\u0000), which cannot be stored`);
    return problems;
  });
}

interface CsvLine {
  record: string[];
  info: { lines: number };
}

/**
 * The body parsed as CSV lines, at most IMPORT_MAX_BYTES read. `finish` leaves the connection
 * usable for the answer: the rest of an abandoned body is read and dropped (up to the limit).
 */
function csvLines(body: Readable): AsyncIterable<CsvLine> & { abort(reason: Error): void; finish(): void } {
  const tooLarge = () => `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB; split it into several imports`;
  const limiter = byteLimit(IMPORT_MAX_BYTES, tooLarge);
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, max_record_size: 64 * 1024 });
  body.on('error', (error) => parser.destroy(error));
  const aborted = () => parser.destroy(new BadRequestException('The request was aborted before the file was received'));
  body.on('aborted', aborted);
  body.on('close', () => {
    if (!body.readableEnded) aborted();
  });
  limiter.on('error', (error) => parser.destroy(error));
  // Reported by the iteration (the error event may come before it starts, on a small file).
  parser.on('error', () => undefined);
  return {
    [Symbol.asyncIterator]: () => {
      // Read only once someone consumes the lines, so nothing is parsed without a reader.
      body.pipe(limiter).pipe(parser);
      return parser[Symbol.asyncIterator]() as AsyncIterator<CsvLine>;
    },
    abort(reason: Error) {
      parser.destroy(reason);
    },
    finish() {
      body.unpipe(limiter);
      // A reader still waiting (the batch after a failed write) is released.
      if (!parser.destroyed) parser.destroy();
      if (body.readableEnded || limiter.errored) return;
      let drained = 0;
      body.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > IMPORT_MAX_BYTES) body.destroy();
      });
      body.resume();
    },
  };
}

function describeStreamError(error: unknown): unknown {
  if (error instanceof CsvError) {
    const line = typeof error.lines === 'number' ? ` at line ${error.lines}` : '';
    return new BadRequestException(`The file is not valid CSV${line}: ${error.message} (quote fields that hold commas, quotes or line breaks, and double the quotes inside them)`);
  }
  if (error instanceof PayloadTooLargeException) return error;
  return error;
}
