import { BadRequestException } from '@nestjs/common';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import type { VitalRecordDto } from './dto/store-vitals.dto.js';

/** A validated record in storage terms, remembering its position in the request. */
export interface VitalRecord {
  index: number;
  protocolId: string;
  subjectNumber: string;
  siteId: string | null;
  treatmentArm: string;
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
  treatmentArm: string;
}

export interface PreparedBatch {
  /** Distinct measurements, sorted by natural key so concurrent batches lock rows in one order. */
  records: VitalRecord[];
  /** Distinct subjects, sorted the same way. */
  subjects: Subject[];
  /** Records repeating an earlier record of the same batch. */
  repeatedInBatch: number;
}

/**
 * Checks the batch is consistent with itself (one arm and site per subject, one set of values per
 * measurement) and collapses exact repeats. Throws 400 naming the clashing records.
 */
export function prepareBatch(records: VitalRecord[]): PreparedBatch {
  const subjects = new Map<string, Subject & { firstIndex: number }>();
  const measurements = new Map<string, VitalRecord>();
  const problems: ApiErrorDetail[] = [];
  for (const record of records) {
    const subject = subjects.get(subjectKey(record));
    if (!subject) {
      subjects.set(subjectKey(record), { ...pickSubject(record), firstIndex: record.index });
    } else {
      if (subject.treatmentArm !== record.treatmentArm) {
        problems.push({
          field: `records[${record.index}].TreatmentArm`,
          problems: [`differs from records[${subject.firstIndex}] for the same subject ("${subject.treatmentArm}")`],
        });
      }
      if (record.siteId !== null && subject.siteId !== null && subject.siteId !== record.siteId) {
        problems.push({
          field: `records[${record.index}].SiteID`,
          problems: [`differs from records[${subject.firstIndex}] for the same subject ("${subject.siteId}")`],
        });
      }
      subject.siteId ??= record.siteId;
    }
    const key = measurementKey(record);
    const earlier = measurements.get(key);
    if (!earlier) measurements.set(key, record);
    else if (!sameMeasurement(earlier, record)) {
      problems.push({
        field: `records[${record.index}]`,
        problems: [`repeats the subject, visit and measurement time of records[${earlier.index}] with different values`],
      });
    }
  }
  if (problems.length > 0) {
    throw new BadRequestException({
      message: `The batch contradicts itself: ${problems.slice(0, 3).map((p) => `${p.field} ${p.problems[0]}`).join('; ')}`,
      details: problems.slice(0, 50),
    });
  }
  const byKey = <T>(key: (item: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    records: [...measurements.values()].sort(byKey(measurementKey)),
    subjects: [...subjects.values()].map(pickSubject).sort(byKey(subjectKey)),
    repeatedInBatch: records.length - measurements.size,
  };
}

function pickSubject(subject: Subject): Subject {
  return {
    protocolId: subject.protocolId,
    subjectNumber: subject.subjectNumber,
    siteId: subject.siteId,
    treatmentArm: subject.treatmentArm,
  };
}
