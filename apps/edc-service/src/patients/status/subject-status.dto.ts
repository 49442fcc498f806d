import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { IsPastCalendarDate } from '../../vitals/validators/vital-sign.validators.js';
import { DemographicsChangeDto } from '../enrolment/demographics.dto.js';
import { REQUESTED_STATUSES, type RequestedStatus } from './status-flow.js';

/** 1 to 2,000 characters (code points), not blank: as corrections of other clinical data. */
const REASON = /^(?=[\s\S]*\S)[\s\S]{1,2000}$/u;
const REASON_RULE = 'must be 1 to 2000 characters and not blank';

export class ChangeStatusDto {
  @ApiProperty({ enum: REQUESTED_STATUSES, example: 'withdrawn', description: 'randomized is given by POST /edc/patients/{subjectId}/randomize' })
  @IsIn(REQUESTED_STATUSES, { message: `status must be one of: ${REQUESTED_STATUSES.join(', ')} (a subject is randomized with POST /edc/patients/:subjectId/randomize)` })
  status!: RequestedStatus;

  @ApiPropertyOptional({ format: 'date', example: '2026-05-14', description: 'when it happened (default today): not in the future, not before consent or the current status' })
  @IsOptional()
  @IsPastCalendarDate()
  date?: string;

  @ApiPropertyOptional({ example: 'withdrew consent', description: 'required for withdrawn and screen_failed' })
  @IsOptional()
  @IsString()
  @Matches(REASON, { message: `reason ${REASON_RULE}` })
  reason?: string;
}

export class CorrectSubjectDto {
  @ApiProperty({ example: 'consent date transcribed wrongly from the form' })
  @IsString()
  @Matches(REASON, { message: `reason ${REASON_RULE}` })
  reason!: string;

  @ApiPropertyOptional({ format: 'date', example: '2026-03-01' })
  @IsOptional()
  @IsPastCalendarDate()
  consent_date?: string;

  @ApiPropertyOptional({ type: DemographicsChangeDto, description: 'only the fields given change; null clears an optional field' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DemographicsChangeDto)
  demographics?: DemographicsChangeDto;
}
