import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A generated record: exactly the body of one record of `POST /edc/store-vitals`. */
export class GeneratedVitalResponse {
  @ApiProperty({ example: 'RA001-001' }) SubjectID!: string;
  @ApiProperty({ example: 'Week 12' }) VisitName!: string;
  @ApiProperty({ example: 'Active' }) TreatmentArm!: string;
  @ApiProperty({ type: 'integer', example: 126 }) SystolicBP!: number;
  @ApiProperty({ type: 'integer', example: 79 }) DiastolicBP!: number;
  @ApiProperty({ type: 'integer', example: 71 }) HeartRate!: number;
  @ApiProperty({ example: 36.7 }) Temperature!: number;
  @ApiPropertyOptional({ type: 'integer', example: 15 }) RespiratoryRate?: number;
  @ApiProperty({ example: 'S01' }) SiteID!: string;
  @ApiProperty({ example: 'DEFAULT' }) ProtocolID!: string;
  @ApiProperty({ format: 'date', example: '2025-04-01' }) VisitDate!: string;
  @ApiProperty({ format: 'date-time', example: '2025-04-01T09:41:00Z' }) MeasurementTime!: string;
}

export class GeneratedDemographicsResponse {
  @ApiProperty({ enum: ['F', 'M'] }) sex!: 'F' | 'M';
  @ApiProperty({ type: 'integer', example: 57 }) age!: number;
  @ApiProperty({ example: 'WHITE' }) race!: string;
  @ApiProperty({ example: 'NOT HISPANIC OR LATINO' }) ethnicity!: string;
  @ApiProperty({ example: 171.4 }) height_cm!: number;
  @ApiProperty({ example: 78.2 }) weight_kg!: number;
}

export class GeneratedSubjectResponse {
  @ApiProperty({ example: 'RA001-001' }) SubjectID!: string;
  @ApiProperty({ example: 'S01' }) SiteID!: string;
  @ApiProperty({ example: 'Active' }) TreatmentArm!: string;
  @ApiProperty({ example: 'DEFAULT' }) ProtocolID!: string;
  @ApiProperty({ format: 'date', description: "the subject's Day 1" }) EnrollmentDate!: string;
  @ApiProperty({ format: 'date' }) ConsentDate!: string;
  @ApiProperty({ enum: ['randomized', 'completed', 'withdrawn'] }) Status!: string;
  @ApiProperty({ type: GeneratedDemographicsResponse }) demographics!: GeneratedDemographicsResponse;
}

/** An adverse event in the EDC's field names (SDTM AE-style). */
export class GeneratedAdverseEventResponse {
  @ApiProperty({ example: 'RA001-001' }) SubjectID!: string;
  @ApiProperty({ example: 'Headache' }) term!: string;
  @ApiProperty({ example: 'Nervous system disorders' }) body_system!: string;
  @ApiProperty({ format: 'date' }) onset_date!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) end_date!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) severity_grade!: number;
  @ApiProperty() serious!: boolean;
  @ApiProperty({ example: 'possibly_related' }) relationship!: string;
  @ApiProperty({ example: 'recovered' }) outcome!: string;
  @ApiProperty({ example: 'dose_not_changed' }) action_taken!: string;
}
