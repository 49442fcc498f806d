import { stringify } from 'csv-stringify/sync';
import { ADVERSE_EVENT_FIELDS, DEMOGRAPHIC_FIELDS, RECORD_FIELDS, SUBJECT_FIELDS } from './content-hash.js';
import type { GeneratedAdverseEvent, GeneratedSubject, GeneratedVital } from './dataset.js';

/**
 * CSV for generated data, the same bytes from the API and the CLI: LF line ends, a field quoted
 * only when it holds a comma, quote or line break, an absent value empty, booleans true/false.
 */

/** The store-vitals field names, in the order of `GeneratedVital`. */
export const VITALS_CSV_COLUMNS: readonly string[] = RECORD_FIELDS;
export const AE_CSV_COLUMNS: readonly string[] = ADVERSE_EVENT_FIELDS;
export const SUBJECT_CSV_COLUMNS: readonly string[] = [...SUBJECT_FIELDS, ...DEMOGRAPHIC_FIELDS];

const OPTIONS = { record_delimiter: 'unix', cast: { boolean: (value: boolean) => (value ? 'true' : 'false') } } as const;

function lines(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  return stringify(
    rows.map((row) => columns.map((column) => row[column] ?? null)),
    OPTIONS,
  );
}

const header = (columns: readonly string[]): string => stringify([[...columns]], OPTIONS);

export const csvHeader = (): string => header(VITALS_CSV_COLUMNS);
export const csvLines = (records: readonly GeneratedVital[]): string => lines(VITALS_CSV_COLUMNS, records as unknown as Array<Record<string, unknown>>);

export const aeCsvHeader = (): string => header(AE_CSV_COLUMNS);
export const aeCsvLines = (events: readonly GeneratedAdverseEvent[]): string => lines(AE_CSV_COLUMNS, events as unknown as Array<Record<string, unknown>>);

export const subjectCsvHeader = (): string => header(SUBJECT_CSV_COLUMNS);
export const subjectCsvLines = (subjects: readonly GeneratedSubject[]): string =>
  lines(
    SUBJECT_CSV_COLUMNS,
    subjects.map((subject) => ({ ...subject, ...subject.demographics })),
  );
