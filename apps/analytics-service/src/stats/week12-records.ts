import { BadRequestException } from '@nestjs/common';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';

/** Store-vitals' field names: what a record sent for a test may hold. */
const REQUIRED_TEXT = ['SubjectID', 'VisitName', 'TreatmentArm'] as const;
const OPTIONAL_TEXT = ['SiteID', 'ProtocolID'] as const;
const NUMBERS = ['SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature', 'RespiratoryRate'] as const;
const KNOWN_FIELDS = new Set<string>([...REQUIRED_TEXT, ...OPTIONAL_TEXT, ...NUMBERS, 'VisitDate', 'MeasurementTime']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Beyond this a number is no measurement (and stays well inside what float8 and JSON round-trip exactly). */
const MAX_MAGNITUDE = 1_000_000;
/** At most this many problems are listed (a 10,000-record batch could otherwise produce megabytes). */
const MAX_DETAILS = 50;

/**
 * Records sent to be tested are checked whole before any SQL reads them: each must be an object in
 * store-vitals' field names with the subject, visit and arm as texts and the measurements as
 * numbers (or null). Any problem refuses the request with 400 naming each record and field.
 */
export function assertTestableRecords(records: readonly unknown[]): void {
  const details: ApiErrorDetail[] = [];
  records.forEach((record, index) => {
    const problems = recordProblems(record);
    for (const [field, problem] of problems) details.push({ field: field === '' ? `records[${index}]` : `records[${index}].${field}`, problems: [problem] });
  });
  if (details.length === 0) return;
  const shown = details.slice(0, MAX_DETAILS);
  const summary = shown.slice(0, 5).map((detail) => `${detail.field}: ${detail.problems.join(', ')}`).join('; ');
  const more = details.length > 5 ? ` (and ${details.length - 5} more problems${details.length > MAX_DETAILS ? `, the first ${MAX_DETAILS} listed in details` : ', listed in details'})` : '';
  throw new BadRequestException({ message: `The records are not valid vital signs records: ${summary}${more}`, details: shown });
}

function recordProblems(record: unknown): Array<[string, string]> {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return [['', "must be an object in store-vitals' field names"]];
  const values = record as Record<string, unknown>;
  const problems: Array<[string, string]> = [];
  for (const field of Object.keys(values)) if (!KNOWN_FIELDS.has(field)) problems.push([field, 'is not a field of a vital signs record']);
  for (const field of REQUIRED_TEXT) {
    const value = values[field];
    if (value === undefined || value === null) problems.push([field, 'is required']);
    else if (!isText(value)) problems.push([field, 'must be a text of 1 to 64 characters, not blank']);
  }
  for (const field of OPTIONAL_TEXT) {
    const value = values[field];
    if (value !== undefined && value !== null && !isText(value)) problems.push([field, 'must be a text of 1 to 64 characters, not blank']);
  }
  for (const field of NUMBERS) {
    const value = values[field];
    if (value !== undefined && value !== null && !(typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_MAGNITUDE)) {
      problems.push([field, `must be a number (at most ${MAX_MAGNITUDE} either side of 0) or null`]);
    }
  }
  const date = values.VisitDate;
  if (date !== undefined && date !== null && !(typeof date === 'string' && DATE.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)))) {
    problems.push(['VisitDate', 'must be a calendar date YYYY-MM-DD']);
  }
  const time = values.MeasurementTime;
  if (time !== undefined && time !== null && !(typeof time === 'string' && TIMESTAMP.test(time) && !Number.isNaN(Date.parse(time)))) {
    problems.push(['MeasurementTime', 'must be a date and time with a time zone, e.g. 2026-03-01T09:30:00Z']);
  }
  return problems;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && [...value].length <= 64 && !value.includes('\u0000');
}
