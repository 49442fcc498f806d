import { createHash } from 'node:crypto';
import type { GeneratedAdverseEvent, GeneratedSubject, GeneratedVital, SubjectBlock } from './dataset.js';

/**
 * The content hash of a dataset: sha256 over one line per subject, record and adverse event, in
 * generation order, each `JSON.stringify([kind, item])` with the fields in a fixed order (below),
 * so the same data hashes the same whoever built the objects. Everything that makes or checks a
 * dataset (API, CLI, stored datasets) uses this one function.
 */
export interface ContentHasher {
  add(block: SubjectBlock): void;
  /** `sha256:<hex>`; the hasher takes nothing more after it. */
  digest(): string;
}

export const SUBJECT_FIELDS = ['SubjectID', 'SiteID', 'TreatmentArm', 'ProtocolID', 'EnrollmentDate', 'ConsentDate', 'Status'] as const;
export const DEMOGRAPHIC_FIELDS = ['sex', 'age', 'race', 'ethnicity', 'height_cm', 'weight_kg'] as const;
export const RECORD_FIELDS = [
  'SubjectID',
  'VisitName',
  'TreatmentArm',
  'SystolicBP',
  'DiastolicBP',
  'HeartRate',
  'Temperature',
  'RespiratoryRate',
  'SiteID',
  'ProtocolID',
  'VisitDate',
  'MeasurementTime',
] as const satisfies ReadonlyArray<keyof GeneratedVital>;
export const ADVERSE_EVENT_FIELDS = [
  'SubjectID',
  'term',
  'body_system',
  'onset_date',
  'end_date',
  'severity_grade',
  'serious',
  'relationship',
  'outcome',
  'action_taken',
] as const satisfies ReadonlyArray<keyof GeneratedAdverseEvent>;

/** Values in a fixed field order; an absent optional field is null. */
function ordered<T extends object>(item: T, fields: readonly string[]): unknown[] {
  return fields.map((field) => (item as Record<string, unknown>)[field] ?? null);
}

export function canonicalSubject(subject: GeneratedSubject): unknown[] {
  return [...ordered(subject, SUBJECT_FIELDS), ordered(subject.demographics, DEMOGRAPHIC_FIELDS)];
}

export function contentHasher(): ContentHasher {
  const hash = createHash('sha256');
  const line = (kind: string, values: unknown[]): string => `${JSON.stringify([kind, values])}\n`;
  return {
    add(block) {
      // One update per subject: the bytes hashed are the same as line by line, in fewer calls.
      let text = line('subject', canonicalSubject(block.subject));
      for (const record of block.records) text += line('record', ordered(record, RECORD_FIELDS));
      for (const event of block.adverseEvents) text += line('adverse_event', ordered(event, ADVERSE_EVENT_FIELDS));
      hash.update(text);
    },
    digest: () => `sha256:${hash.digest('hex')}`,
  };
}
