import { BadRequestException } from '@nestjs/common';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import type { VitalRecordDto } from './dto/store-vitals.dto.js';

/** A validated record in storage terms, remembering its position in the request. */
export interface VitalRecord {
  index: number;
  protocolId: string;
  subjectNumber: string;
  siteId: string | null;
  /** Null: the subject's own arm (a record captured for a subject that already exists). */
  treatmentArm: string | null;
  visitName: string;
  visitDate: string | null;
  measurementTime: string | null;
  systolicBp: number;
  diastolicBp: number;
  heartRate: number;
  temperature: number;
  respiratoryRate: number | null;
}

export const subjectKey = (record: { protocolId: string; subjectNumber: string }): string =>
  `${record.protocolId}\u0000${record.subjectNumber}`;

/** The natural key a retry repeats: subject, visit and measurement time. */
export const measurementKey = (record: VitalRecord): string =>
  `${subjectKey(record)}\u0000${record.visitName}\u0000${record.measurementTime ?? ''}`;

export const sameMeasurement = (a: VitalRecord, b: VitalRecord): boolean =>
  a.systolicBp === b.systolicBp &&
  a.diastolicBp === b.diastolicBp &&
  a.heartRate === b.heartRate &&
  a.temperature === b.temperature &&
  a.respiratoryRate === b.respiratoryRate &&
  a.visitDate === b.visitDate;

export function toVitalRecord(dto: VitalRecordDto, index: number, defaultProtocolId: string): VitalRecord {
  const measurementTime = dto.MeasurementTime ? new Date(dto.MeasurementTime).toISOString() : null;
  return {
    index,
    protocolId: dto.ProtocolID ?? defaultProtocolId,
    subjectNumber: dto.SubjectID,
    siteId: dto.SiteID ?? null,
    treatmentArm: dto.TreatmentArm,
    visitName: dto.VisitName.trim(),
    // The date as written at the site (its own time zone), not the UTC date of the timestamp.
    visitDate: dto.VisitDate ?? dto.MeasurementTime?.slice(0, 10) ?? null,
    measurementTime,
    systolicBp: dto.SystolicBP,
    diastolicBp: dto.DiastolicBP,
    heartRate: dto.HeartRate,
    temperature: dto.Temperature,
    respiratoryRate: dto.RespiratoryRate ?? null,
  };
}

export interface Subject {
  protocolId: string;
  subjectNumber: string;
  siteId: string | null;
  treatmentArm: string | null;
}

export interface PreparedBatch {
  /** Distinct measurements, sorted by natural key so concurrent batches lock rows in one order. */
  records: VitalRecord[];
  /** Distinct subjects, sorted the same way. */
  subjects: Subject[];
  /** Records repeating an earlier record of the same batch. */
  repeatedInBatch: number;
}

/** What is wrong with one record of a request, and which of its fields (null: the record as a whole). */
export interface RecordProblem {
  index: number;
  field: string | null;
  problem: string;
}

/** How the caller names a record in errors: `records[3]` (store-vitals), `line 12` (an import). */
export type RecordLabel = (index: number) => string;

export const recordsLabel: RecordLabel = (index) => `records[${index}]`;

/**
 * Checks the records are consistent with each other (one arm and site per subject, one set of
 * values per measurement) and collapses exact repeats. A record contradicting an earlier one is
 * left out of the batch and named in `problems`.
 */
export function partitionBatch(records: VitalRecord[], label: RecordLabel = recordsLabel): PreparedBatch & { problems: RecordProblem[] } {
  const subjects = new Map<string, Subject & { firstIndex: number }>();
  const measurements = new Map<string, VitalRecord>();
  const problems: RecordProblem[] = [];
  let accepted = 0;
  for (const record of records) {
    const subject = subjects.get(subjectKey(record));
    const clashes: RecordProblem[] = [];
    if (subject) {
      if (subject.treatmentArm !== record.treatmentArm) {
        clashes.push({ index: record.index, field: 'TreatmentArm', problem: `differs from ${label(subject.firstIndex)} for the same subject ("${subject.treatmentArm}")` });
      }
      if (record.siteId !== null && subject.siteId !== null && subject.siteId !== record.siteId) {
        clashes.push({ index: record.index, field: 'SiteID', problem: `differs from ${label(subject.firstIndex)} for the same subject ("${subject.siteId}")` });
      }
    }
    const key = measurementKey(record);
    const earlier = measurements.get(key);
    if (earlier && !sameMeasurement(earlier, record)) {
      clashes.push({ index: record.index, field: null, problem: `repeats the subject, visit and measurement time of ${label(earlier.index)} with different values` });
    }
    if (clashes.length > 0) {
      problems.push(...clashes);
      continue;
    }
    accepted += 1;
    if (!subject) subjects.set(subjectKey(record), { ...pickSubject(record), firstIndex: record.index });
    else subject.siteId ??= record.siteId;
    if (!earlier) measurements.set(key, record);
  }
  const byKey = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    records: [...measurements.values()].sort(byKey(measurementKey)),
    subjects: [...subjects.values()].map(pickSubject).sort(byKey(subjectKey)),
    repeatedInBatch: accepted - measurements.size,
    problems,
  };
}

/** A record problem as the one error format names it: `{field: 'records[3].SiteID', problems: [...]}`. */
export function problemDetail(problem: RecordProblem, label: RecordLabel = recordsLabel): ApiErrorDetail {
  return { field: problem.field ? `${label(problem.index)}.${problem.field}` : label(problem.index), problems: [problem.problem] };
}

/** `partitionBatch` for a request that is stored whole or not at all: throws 400 naming the clashing records. */
export function prepareBatch(records: VitalRecord[]): PreparedBatch {
  const { problems, ...batch } = partitionBatch(records);
  if (problems.length > 0) {
    const details = problems.map((problem) => problemDetail(problem));
    throw new BadRequestException({
      message: `The batch contradicts itself: ${details.slice(0, 3).map((p) => `${p.field} ${p.problems[0]}`).join('; ')}`,
      details: details.slice(0, 50),
    });
  }
  return batch;
}

function pickSubject(subject: Subject): Subject {
  return {
    protocolId: subject.protocolId,
    subjectNumber: subject.subjectNumber,
    siteId: subject.siteId,
    treatmentArm: subject.treatmentArm,
  };
}

/** A record for a subject that exists: protocol, site and arm are the subject's own. */
export function toSubjectVitalRecord(
  subject: { protocolId: string; subjectNumber: string; siteId: string | null },
  dto: { visit_name: string; visit_date?: string; measurement_time?: string; systolic_bp: number; diastolic_bp: number; heart_rate: number; temperature: number; respiratory_rate?: number },
): VitalRecord {
  return {
    index: 0,
    protocolId: subject.protocolId,
    subjectNumber: subject.subjectNumber,
    siteId: subject.siteId,
    treatmentArm: null,
    visitName: dto.visit_name.trim(),
    visitDate: dto.visit_date ?? dto.measurement_time?.slice(0, 10) ?? null,
    measurementTime: dto.measurement_time ? new Date(dto.measurement_time).toISOString() : null,
    systolicBp: dto.systolic_bp,
    diastolicBp: dto.diastolic_bp,
    heartRate: dto.heart_rate,
    temperature: dto.temperature,
    respiratoryRate: dto.respiratory_rate ?? null,
  };
}
