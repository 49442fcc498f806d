import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsOptional, Matches, ValidateNested } from 'class-validator';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';
import { IsPastCalendarDate } from '../../vitals/validators/vital-sign.validators.js';
import { DemographicsDto } from './demographics.dto.js';

export class EnrolSubjectDto {
  @ApiPropertyOptional({ example: 'RA001-001', description: "the subject number; when absent, the next number of the study's subject_id_format" })
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `subject_id ${CLINICAL_CODE_HINT}` })
  subject_id?: string;

  @ApiProperty({ example: 'S01', description: "an active site of the study (or a new one, when the study takes new sites); one of yours when you are limited to sites" })
  @Matches(CLINICAL_CODE, { message: `site_id ${CLINICAL_CODE_HINT}` })
  site_id!: string;

  @ApiProperty({ format: 'date', example: '2026-03-02', description: 'date of informed consent, not in the future' })
  @IsPastCalendarDate()
  consent_date!: string;

  @ApiProperty({ type: DemographicsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => DemographicsDto)
  demographics!: DemographicsDto;

  @ApiPropertyOptional({ default: false, description: 'enrol at once (status enrolled, enrollment_date today) instead of recording the subject as screened' })
  @IsOptional()
  @IsBoolean()
  enrol?: boolean;
}
