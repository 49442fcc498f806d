import type { VitalSign } from '../../../../../libs/database/src/index.js';

export interface VitalSignResponse {
  id: string;
  visit_name: string;
  visit_date: string | null;
  measurement_time: string | null;
  systolic_bp: number;
  diastolic_bp: number;
  heart_rate: number;
  temperature: number;
  respiratory_rate: number | null;
  data_batch: string;
  recorded_at: string;
}

export interface SubjectVitalsResponse {
  patient_id: string;
  subject_id: string;
  protocol_id: string;
  site_id: string | null;
  treatment_arm: string;
  vitals: VitalSignResponse[];
}

export function toVitalSignResponse(vital: VitalSign): VitalSignResponse {
  return {
    id: vital.id,
    visit_name: vital.visitName,
    visit_date: vital.visitDate,
    measurement_time: vital.measurementTime?.toISOString() ?? null,
    systolic_bp: vital.systolicBp,
    diastolic_bp: vital.diastolicBp,
    heart_rate: vital.heartRate,
    temperature: vital.temperature,
    respiratory_rate: vital.respiratoryRate,
    data_batch: vital.dataBatch,
    recorded_at: vital.createdAt.toISOString(),
  };
}
