import { BadRequestException } from '@nestjs/common';

/** The capture table's columns, as an import's header names them. */
export const REQUIRED_COLUMNS = ['SubjectID', 'VisitName', 'TreatmentArm', 'SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature'] as const;
export const OPTIONAL_COLUMNS = ['RespiratoryRate', 'SiteID', 'VisitDate', 'MeasurementTime', 'ProtocolID'] as const;
const NUMERIC_COLUMNS = new Set(['SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature', 'RespiratoryRate']);
const KNOWN_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS]);
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** The header of an import: column names in file order. */
export type CsvHeader = readonly string[];

/** Checks the header names each required column once and nothing unknown; 400 naming what is wrong. */
export function readHeader(cells: string[]): CsvHeader {
  const problems: string[] = [];
  const unknown = cells.filter((cell) => !KNOWN_COLUMNS.has(cell));
  if (unknown.length > 0) problems.push(`unknown column(s) ${unknown.map((c) => `"${c}"`).join(', ')}`);
  const missing = REQUIRED_COLUMNS.filter((column) => !cells.includes(column));
  if (missing.length > 0) problems.push(`missing required column(s) ${missing.join(', ')}`);
  const repeated = cells.filter((cell, index) => cells.indexOf(cell) !== index);
  if (repeated.length > 0) problems.push(`column(s) named twice: ${[...new Set(repeated)].join(', ')}`);
  if (problems.length > 0) {
    throw new BadRequestException(
      `The CSV header (line 1) is not the capture table's: ${problems.join('; ')}. Columns: ${REQUIRED_COLUMNS.join(', ')} (required), ${OPTIONAL_COLUMNS.join(', ')} (optional)`,
    );
  }
  return cells;
}

/**
 * A line as the JSON record store-vitals takes: numbers where the capture table has numbers
 * (anything else is left as written, for validation to name), empty cells left out.
 */
export function lineToRecord(header: CsvHeader, cells: string[]): Record<string, string | number> {
  const record: Record<string, string | number> = {};
  header.forEach((column, index) => {
    const cell = cells[index];
    if (cell === undefined || cell === '') return;
    record[column] = NUMERIC_COLUMNS.has(column) && NUMBER.test(cell) ? Number(cell) : cell;
  });
  return record;
}
