import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';
import { IsLowerThan, IsPastCalendarDate, IsPastTimestamp } from '../validators/vital-sign.validators.js';

export const MAX_RECORDS_PER_REQUEST = 10_000;

/**
 * 1 to 64 characters counted as PostgreSQL counts them (code points: class-validator's length
 * leaves out emoji variation selectors, which the varchar(64) column counts), and not blank.
 */
export const LABEL = /^(?=[\s\S]*\S)[\s\S]{1,64}$/u;
export const LABEL_RULE = 'must be 1 to 64 characters and not blank';

/**
 * One vital-signs record as sites send it (the design's field names). Ranges reject values no
 * living patient can have; they are deliberately wide, since edit checks flag the unusual.
 */
export class VitalRecordDto {
  @ApiProperty({ example: 'RA001-001' })
  @Matches(CLINICAL_CODE, { message: `SubjectID ${CLINICAL_CODE_HINT}` })
  SubjectID!: string;

  @ApiProperty({ example: 'Screening' })
  @IsString()
  @Matches(LABEL, { message: `VisitName ${LABEL_RULE}` })
  VisitName!: string;

  @ApiProperty({ example: 'Active' })
  @IsString()
  @Matches(LABEL, { message: `TreatmentArm ${LABEL_RULE}` })
  TreatmentArm!: string;

  @ApiProperty({ type: 'integer', example: 125, minimum: 50, maximum: 300, description: 'mmHg' })
  @IsInt()
  @Min(50)
  @Max(300)
  SystolicBP!: number;

  @ApiProperty({ type: 'integer', example: 80, minimum: 20, maximum: 200, description: 'mmHg, lower than SystolicBP' })
  @IsInt()
  @Min(20)
  @Max(200)
  @IsLowerThan('SystolicBP')
  DiastolicBP!: number;

  @ApiProperty({ type: 'integer', example: 72, minimum: 20, maximum: 250, description: 'beats per minute' })
  @IsInt()
  @Min(20)
  @Max(250)
  HeartRate!: number;

  @ApiProperty({ example: 36.8, minimum: 30, maximum: 45, description: '°C, at most one decimal' })
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 },
    { message: 'Temperature must be a number in °C with at most one decimal place' },
  )
  @Min(30)
  @Max(45)
  Temperature!: number;

  @ApiPropertyOptional({ type: 'integer', example: 16, minimum: 4, maximum: 60, description: 'breaths per minute' })
  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(60)
  RespiratoryRate?: number;

  @ApiPropertyOptional({ example: 'S01' })
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `SiteID ${CLINICAL_CODE_HINT}` })
  SiteID?: string;

  @ApiPropertyOptional({ example: 'RA001', description: 'defaults to DEFAULT_PROTOCOL_ID' })
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `ProtocolID ${CLINICAL_CODE_HINT}` })
  ProtocolID?: string;

  @ApiPropertyOptional({ example: '2026-03-01', format: 'date' })
  @IsOptional()
  @IsPastCalendarDate()
  VisitDate?: string;

  @ApiPropertyOptional({ example: '2026-03-01T09:30:00Z', format: 'date-time', description: 'with a time zone; with subject and visit, the key a retry repeats' })
  @IsOptional()
  @IsPastTimestamp()
  MeasurementTime?: string;
}

export class StoreVitalsDto {
  @ApiProperty({ type: () => [VitalRecordDto], minItems: 1, maxItems: MAX_RECORDS_PER_REQUEST })
  @IsArray()
  @ArrayMinSize(1, { message: 'records must hold at least 1 record' })
  @ArrayMaxSize(MAX_RECORDS_PER_REQUEST, { message: `records must hold at most ${MAX_RECORDS_PER_REQUEST} records` })
  @ValidateNested({ each: true })
  @Type(() => VitalRecordDto)
  records!: VitalRecordDto[];
}
