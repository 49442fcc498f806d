import { ApiProperty } from '@nestjs/swagger';
import type { Patient } from '../../../../../libs/database/src/index.js';
import { type Page, PageInfo } from '../../../../../libs/platform/src/index.js';

/** Who a subject is, as every answer about one names them. */
export class SubjectIdentity {
  @ApiProperty({ example: 'RA001-001' })
  subject_id!: string;

  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  site_id!: string | null;

  @ApiProperty({ example: 'Active' })
  treatment_arm!: string;
}

export class PatientResponse extends SubjectIdentity {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['screening', 'enrolled', 'completed', 'withdrawn', 'screen_failed'], example: 'enrolled' })
  status!: string;

  @ApiProperty({ format: 'date' })
  enrollment_date!: string;

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
    enrollment_date: patient.enrollmentDate,
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
