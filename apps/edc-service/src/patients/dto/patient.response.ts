import { ApiProperty } from '@nestjs/swagger';
import { type Patient, SUBJECT_STATUSES, type SubjectStatus } from '../patient.entity.js';
import { type Page, PageInfo } from '../../../../../libs/platform/src/index.js';

/** Who a subject is, as every answer about one names them. */
export class SubjectIdentity {
  @ApiProperty({ example: 'RA001-001' })
  subject_id!: string;

  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  site_id!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Active', description: 'null until the subject is randomized' })
  treatment_arm!: string | null;
}

export class PatientResponse extends SubjectIdentity {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: SUBJECT_STATUSES, example: 'enrolled' })
  status!: SubjectStatus;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'date of the status change (withdrawal, completion, screen failure)' })
  status_date!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'reason for withdrawal or screen failure' })
  status_reason!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  enrollment_date!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  consent_date!: string | null;

  @ApiProperty({ description: 'whether the platform assigned the arm (false: the arm came with the first record, through store-vitals)' })
  randomized_by_platform!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  randomized_at!: string | null;

  @ApiProperty({ description: 'true for a subject of a generated dataset, never a real patient' })
  synthetic!: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the generated dataset this synthetic subject was stored from (GET /generation/datasets/{id}); null for a subject captured at a site' })
  dataset_id!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  demographics!: Record<string, unknown>;

  @ApiProperty({ type: 'array', items: {}, example: [] })
  medical_history!: unknown[];

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

export class PatientPage implements Page<PatientResponse> {
  @ApiProperty({ type: [PatientResponse], description: 'ordered by protocol and subject number' })
  data!: PatientResponse[];

  @ApiProperty({ type: PageInfo })
  page!: PageInfo;
}

export function toPatientResponse(patient: Patient): PatientResponse {
  return {
    id: patient.id,
    subject_id: patient.subjectNumber,
    protocol_id: patient.protocolId,
    site_id: patient.siteId,
    treatment_arm: patient.treatmentArm,
    status: patient.status,
    status_date: patient.statusDate,
    status_reason: patient.statusReason,
    enrollment_date: patient.enrollmentDate,
    consent_date: patient.consentDate,
    randomized_by_platform: patient.randomizedByPlatform,
    randomized_at: patient.randomizedAt?.toISOString() ?? null,
    synthetic: patient.datasetId !== null,
    dataset_id: patient.datasetId,
    demographics: patient.demographics,
    medical_history: patient.medicalHistory,
    created_at: patient.createdAt.toISOString(),
    updated_at: patient.updatedAt.toISOString(),
  };
}

/** The `:subjectId` of the subject routes, with the README's example subject. */
export const SUBJECT_ID_PARAM = { name: 'subjectId', description: 'the subject number (SubjectID)', example: 'RA001-001' } as const;

/** Patient reads are audited; while that fails for too long they are refused rather than served unaudited. */
export const READ_UNAVAILABLE = 'The database is unavailable or not answering, or reads cannot be audited (AUDIT_READ_MAX_FAILURE_MS)';
