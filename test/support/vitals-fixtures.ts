import { randomBytes } from 'node:crypto';

export interface VitalRecordBody {
  SubjectID: string;
  VisitName: string;
  TreatmentArm: string;
  SystolicBP: number;
  DiastolicBP: number;
  HeartRate: number;
  Temperature: number;
  [field: string]: unknown;
}

/** A subject number no other test uses. */
export const newSubjectId = (prefix = 'T'): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export function vitalRecord(overrides: Partial<VitalRecordBody> = {}): VitalRecordBody {
  return {
    SubjectID: 'RA001-001',
    VisitName: 'Screening',
    TreatmentArm: 'Active',
    SystolicBP: 125,
    DiastolicBP: 80,
    HeartRate: 72,
    Temperature: 36.8,
    ...overrides,
  };
}
