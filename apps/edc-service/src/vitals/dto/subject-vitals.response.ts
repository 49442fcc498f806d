import { ApiProperty } from '@nestjs/swagger';
import type { VitalSign } from '../vital-sign.entity.js';
import { SubjectIdentity } from '../../patients/dto/patient.response.js';

export class VitalSignResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Screening' })
  visit_name!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2026-03-01' })
  visit_date!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-01T09:30:00.000Z' })
  measurement_time!: string | null;

  @ApiProperty({ type: 'integer', example: 125, description: 'mmHg' })
  systolic_bp!: number;

  @ApiProperty({ type: 'integer', example: 80, description: 'mmHg' })
  diastolic_bp!: number;

  @ApiProperty({ type: 'integer', example: 72, description: 'beats per minute' })
  heart_rate!: number;

  @ApiProperty({ type: 'number', example: 36.8, description: '°C, one decimal' })
  temperature!: number;

  @ApiProperty({ type: 'integer', nullable: true, example: 16, description: 'breaths per minute' })
  respiratory_rate!: number | null;

  @ApiProperty({ format: 'uuid', description: 'the `batch_id` of the store-vitals request that stored it' })
  data_batch!: string;

  @ApiProperty({ format: 'date-time' })
  recorded_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when it was last corrected (its history: GET /edc/vitals/:vitalId/history)' })
  corrected_at!: string | null;
}

export class SubjectVitalsResponse extends SubjectIdentity {
  @ApiProperty({ format: 'uuid' })
  patient_id!: string;

  @ApiProperty({ type: [VitalSignResponse], description: 'in visit order' })
  vitals!: VitalSignResponse[];
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
    corrected_at: vital.updatedAt?.toISOString() ?? null,
  };
}
