import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsLowerThan, IsPastCalendarDate, IsPastTimestamp } from '../validators/vital-sign.validators.js';
import { LABEL, LABEL_RULE } from './store-vitals.dto.js';

/**
 * One record for a known subject, in the field names of the reads; the capture table's rules
 * (the same ranges as `VitalRecordDto`). Protocol, site and arm are the subject's.
 */
export class CaptureVitalDto {
  @ApiProperty({ example: 'Screening' })
  @IsString()
  @Matches(LABEL, { message: `visit_name ${LABEL_RULE}` })
  visit_name!: string;

  @ApiPropertyOptional({ example: '2026-03-01', format: 'date' })
  @IsOptional()
  @IsPastCalendarDate()
  visit_date?: string;

  @ApiPropertyOptional({ example: '2026-03-01T09:30:00Z', format: 'date-time', description: 'with a time zone; with subject and visit, the key a retry repeats' })
  @IsOptional()
  @IsPastTimestamp()
  measurement_time?: string;

  @ApiProperty({ type: 'integer', example: 125, minimum: 50, maximum: 300, description: 'mmHg' })
  @IsInt()
  @Min(50)
  @Max(300)
  systolic_bp!: number;

  @ApiProperty({ type: 'integer', example: 80, minimum: 20, maximum: 200, description: 'mmHg, lower than systolic_bp' })
  @IsInt()
  @Min(20)
  @Max(200)
  @IsLowerThan('systolic_bp')
  diastolic_bp!: number;

  @ApiProperty({ type: 'integer', example: 72, minimum: 20, maximum: 250, description: 'beats per minute' })
  @IsInt()
  @Min(20)
  @Max(250)
  heart_rate!: number;

  @ApiProperty({ example: 36.8, minimum: 30, maximum: 45, description: '°C, at most one decimal' })
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 },
    { message: 'temperature must be a number in °C with at most one decimal place' },
  )
  @Min(30)
  @Max(45)
  temperature!: number;

  @ApiPropertyOptional({ type: 'integer', example: 16, minimum: 4, maximum: 60, description: 'breaths per minute' })
  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(60)
  respiratory_rate?: number;
}
