import { stringify } from 'csv-stringify/sync';
import type { SdtmDomain } from './dto/export-bodies.dto.js';
import { SDTM_COLUMNS, SDTM_LABELS, type SdtmColumn } from './sdtm-columns.js';

export type SdtmRow = Record<string, string | number | null>;

/** Rows written per piece: fewer, larger writes without holding more than a few hundred rows. */
const ROWS_PER_PIECE = 200;
const CSV_OPTIONS = { record_delimiter: 'unix' } as const;

/** What a spreadsheet may read as a formula at the start of a cell (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number ("-5", "+1.5") is a value, not a formula, in every spreadsheet. */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, TAB or CR first), with a leading
 * `'` so it is shown as text. Numbers (VSSTRESN -5, VSDY -8) and text that is a plain number stay as they are.
 */
export function spreadsheetSafe(value: string | number | null): string | number | null {
  return typeof value === 'string' && FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/**
 * CSV: a header line of the variable names, then the rows; a missing value is an empty field.
 * Free text (an AE term, a visit name, an arm) that starts like a formula is written as text (see `spreadsheetSafe`).
 */
export async function* sdtmCsv(domain: SdtmDomain, rows: AsyncIterable<SdtmRow>): AsyncGenerator<string> {
  const columns = SDTM_COLUMNS[domain];
  yield stringify([columns.map((column) => column.name)], CSV_OPTIONS);
  for await (const batch of batches(rows)) {
    yield stringify(
      batch.map((row) => columns.map((column) => spreadsheetSafe(row[column.name] ?? null))),
      CSV_OPTIONS,
    );
  }
}

/** What a Dataset-JSON file says about itself before its rows. */
export interface DatasetJsonHeader {
  createdAt: Date;
  studyId: string;
  records: number;
  softwareVersion: string;
  /** Appended to the dataset's label, e.g. that the data are synthetic: the schema allows no other top-level field. */
  labelNotes: string[];
  fileOid: string;
}

export const DATASET_JSON_VERSION = '1.1.0';
export const SOURCE_SYSTEM = 'Clinical trial data platform';

/**
 * CDISC Dataset-JSON v1.1: the top-level attributes and column metadata, then the rows as arrays in
 * column order (integers and floats as JSON numbers, dates as ISO 8601 strings), then the close.
 * `records` is known beforehand: it was counted in the same snapshot the rows are read from.
 */
export async function* sdtmDatasetJson(domain: SdtmDomain, header: DatasetJsonHeader, rows: AsyncIterable<SdtmRow>): AsyncGenerator<string> {
  const columns = SDTM_COLUMNS[domain];
  const label = [SDTM_LABELS[domain], ...header.labelNotes].join(' ');
  const top = {
    datasetJSONCreationDateTime: header.createdAt.toISOString(),
    datasetJSONVersion: DATASET_JSON_VERSION,
    fileOID: header.fileOid,
    originator: SOURCE_SYSTEM,
    sourceSystem: { name: SOURCE_SYSTEM, version: header.softwareVersion },
    studyOID: header.studyId,
    metaDataVersionOID: `MDV.${header.studyId}.SDTMIG.3.4`,
    itemGroupOID: `IG.${domain}`,
    records: header.records,
    name: domain,
    label,
    columns: columns.map(columnMetadata(domain)),
  };
  const opening = JSON.stringify(top);
  yield `${opening.slice(0, -1)},"rows":[`;
  let first = true;
  for await (const batch of batches(rows)) {
    const text = batch.map((row) => JSON.stringify(columns.map((column) => row[column.name] ?? null))).join(',');
    yield first ? text : `,${text}`;
    first = false;
  }
  yield ']}';
}

function columnMetadata(domain: SdtmDomain): (column: SdtmColumn) => Record<string, unknown> {
  return (column) => ({
    itemOID: `IT.${domain}.${column.name}`,
    name: column.name,
    label: column.label,
    dataType: column.dataType,
    ...(column.keySequence === undefined ? {} : { keySequence: column.keySequence }),
  });
}

async function* batches<T>(rows: AsyncIterable<T>): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length === ROWS_PER_PIECE) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
