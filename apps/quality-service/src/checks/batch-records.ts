import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import type { BatchRow } from '../../../../libs/edit-checks/src/index.js';

/** Store-vitals' field names: what a record of a checked batch may hold. */
const TEXT = ['SubjectID', 'VisitName', 'TreatmentArm', 'SiteID', 'ProtocolID'] as const;
const NUMBERS = ['SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature', 'RespiratoryRate'] as const;
const KNOWN_FIELDS = new Set<string>([...TEXT, ...NUMBERS, 'VisitDate', 'MeasurementTime']);

/** A code: letters, digits, `.`, `-`, `_` (as the EDC's CLINICAL_CODE). */
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Beyond this a number is no measurement (and stays well inside what numeric and JSON round-trip exactly). */
const MAX_MAGNITUDE = 1_000_000;

export interface RecordProblems {
  index: number;
  problems: ApiErrorDetail[];
}

export interface TypedBatch {
  rows: BatchRow[];
  invalid: RecordProblems[];
}

/**
 * Each record of a batch type-checked on its own: a record with a wrong type, a missing subject or
 * visit, or a field store-vitals does not know is a problem of that record (its index), and only
 * the records that pass are checked by the rules. Values inside their types are the rules' to judge.
 */
export function typeCheckBatch(records: readonly unknown[], protocolOf: (recordProtocol: string | null) => string): TypedBatch {
  const rows: BatchRow[] = [];
  const invalid: RecordProblems[] = [];
  records.forEach((record, index) => {
    const problems: ApiErrorDetail[] = [];
    const add = (field: string, problem: string) => problems.push({ field: `records[${index}].${field}`, problems: [problem] });
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      invalid.push({ index, problems: [{ field: `records[${index}]`, problems: ['must be an object in store-vitals field names'] }] });
      return;
    }
    const values = record as Record<string, unknown>;
    for (const field of Object.keys(values)) if (!KNOWN_FIELDS.has(field)) add(field, 'is not a field of a vital signs record');
    const text = (field: (typeof TEXT)[number], required: boolean): string | null => {
      const value = values[field];
      if (value === undefined || value === null) {
        if (required) add(field, 'is required');
        return null;
      }
      if (typeof value !== 'string' || value.trim() === '' || [...value].length > 64) {
        add(field, 'must be a text of 1 to 64 characters, not blank');
        return null;
      }
      if (value.includes('\u0000')) {
        add(field, 'must not hold a NUL character');
        return null;
      }
      return value;
    };
    const code = (field: 'SiteID' | 'ProtocolID'): string | null => {
      const value = text(field, false);
      if (value !== null && !CODE.test(value)) {
        add(field, 'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit');
        return null;
      }
      return value;
    };
    const number = (field: (typeof NUMBERS)[number]): number | null => {
      const value = values[field];
      if (value === undefined || value === null) return null;
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_MAGNITUDE) {
        add(field, `must be a number (at most ${MAX_MAGNITUDE} either side of 0)`);
        return null;
      }
      return value;
    };
    const visitDate = (): string | null => {
      const value = values.VisitDate;
      if (value === undefined || value === null) return null;
      if (typeof value !== 'string' || !isCalendarDate(value)) {
        add('VisitDate', 'must be a calendar date YYYY-MM-DD');
        return null;
      }
      return value;
    };
    const measurementTime = (): string | null => {
      const value = values.MeasurementTime;
      if (value === undefined || value === null) return null;
      if (typeof value !== 'string' || !TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
        add('MeasurementTime', 'must be a date and time with a time zone, e.g. 2026-03-01T09:30:00Z');
        return null;
      }
      return value;
    };
    const row: BatchRow = {
      row_index: index,
      subject_id: text('SubjectID', true) ?? '',
      visit_name: text('VisitName', true) ?? '',
      arm: text('TreatmentArm', false),
      site_id: code('SiteID'),
      protocol_id: protocolOf(code('ProtocolID')),
      visit_date: visitDate(),
      measurement_time: measurementTime(),
      systolic_bp: number('SystolicBP'),
      diastolic_bp: number('DiastolicBP'),
      heart_rate: number('HeartRate'),
      temperature: number('Temperature'),
      respiratory_rate: number('RespiratoryRate'),
    };
    if (problems.length > 0) invalid.push({ index, problems: mergeByField(problems) });
    else rows.push(row);
  });
  return { rows, invalid };
}

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function mergeByField(problems: ApiErrorDetail[]): ApiErrorDetail[] {
  const byField = new Map<string, string[]>();
  for (const { field, problems: list } of problems) byField.set(field, [...(byField.get(field) ?? []), ...list]);
  return [...byField].map(([field, list]) => ({ field, problems: list }));
}
