import type { Patient } from '../../../../../libs/database/src/index.js';

export interface PatientResponse {
  id: string;
  subject_id: string;
  protocol_id: string;
  site_id: string | null;
  treatment_arm: string;
  status: string;
  enrollment_date: string;
  demographics: Record<string, unknown>;
  medical_history: unknown[];
  created_at: string;
  updated_at: string;
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
