import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { IsPastCalendarDate, IsPastTimestamp } from '../../vitals/validators/vital-sign.validators.js';
import { IsChangeReason } from './reason.js';

/** As capture counts a label: 1 to 64 code points (the varchar(64) column), not blank. */
const LABEL = /^(?=[\s\S]*\S)[\s\S]{1,64}$/u;

/** A field a stored record must keep: may be left out of a correction, never set to null. */
const Given = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

/**
 * A correction of one vital-sign record: the fields to change, named as in the reads, with the
 * capture rules (the rules between fields are checked against the stored values too), and why.
 */
export class CorrectVitalDto {
  @ApiPropertyOptional({ example: 'Week 4' })
  @Given()
  @IsString()
  @Matches(LABEL, { message: 'visit_name must be 1 to 64 characters and not blank' })
  visit_name?: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2026-03-01', description: 'not in the future; null clears it' })
  @IsOptional()
  @IsPastCalendarDate()
  visit_date?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-03-01T09:30:00Z',
    description: 'with a time zone, not in the future; null clears it',
  })
  @IsOptional()
  @IsPastTimestamp()
  measurement_time?: string | null;

  @ApiPropertyOptional({ type: 'integer', example: 128, minimum: 50, maximum: 300, description: 'mmHg' })
  @Given()
  @IsInt()
  @Min(50)
  @Max(300)
  systolic_bp?: number;

  @ApiPropertyOptional({ type: 'integer', example: 82, minimum: 20, maximum: 200, description: 'mmHg, lower than systolic_bp (as corrected or stored)' })
  @Given()
  @IsInt()
  @Min(20)
  @Max(200)
  diastolic_bp?: number;

  @ApiPropertyOptional({ type: 'integer', example: 70, minimum: 20, maximum: 250, description: 'beats per minute' })
  @Given()
  @IsInt()
  @Min(20)
  @Max(250)
  heart_rate?: number;

  @ApiPropertyOptional({ example: 36.9, minimum: 30, maximum: 45, description: '°C, at most one decimal' })
  @Given()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 }, { message: 'temperature must be a number in °C with at most one decimal place' })
  @Min(30)
  @Max(45)
  temperature?: number;

  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 16, minimum: 4, maximum: 60, description: 'breaths per minute; null clears it' })
  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(60)
  respiratory_rate?: number | null;

  @IsChangeReason('transcription error')
  reason!: string;
}
