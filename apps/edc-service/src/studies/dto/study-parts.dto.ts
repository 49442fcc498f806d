import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min, NotEquals } from 'class-validator';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';
import { LABEL, MAX_STUDY_DAY, NotNullWhenGiven, text, textRule } from './study-fields.js';

export class StudySiteDto {
  @ApiProperty({ example: 'S01' })
  @Matches(CLINICAL_CODE, { message: `site_id ${CLINICAL_CODE_HINT}` })
  site_id!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Oslo University Hospital', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Matches(text(200), { message: textRule('name', 200) })
  name?: string | null;
}

export class StudyArmDto {
  @ApiProperty({ example: 'Active', description: 'as records name it in TreatmentArm' })
  @IsString()
  @Matches(LABEL, { message: textRule('arm_code', 64) })
  arm_code!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Active treatment', maxLength: 300 })
  @IsOptional()
  @IsString()
  @Matches(text(300), { message: textRule('description', 300) })
  description?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 20, default: 1, example: 1 })
  @NotNullWhenGiven()
  @IsInt()
  @Min(1)
  @Max(20)
  allocation_ratio?: number;
}

export class StudyVisitDto {
  @ApiProperty({ example: 'Week 4', description: 'as records name it in VisitName' })
  @IsString()
  @Matches(LABEL, { message: textRule('visit_name', 64) })
  visit_name!: string;

  @ApiProperty({ type: 'integer', example: 28, description: 'study day (day 1 is the baseline day; there is no day 0)' })
  @IsInt()
  @NotEquals(0, { message: 'planned_day must not be 0: day 1 is the baseline day and the day before it is -1' })
  @Min(-MAX_STUDY_DAY)
  @Max(MAX_STUDY_DAY)
  planned_day!: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, example: 3, description: 'days allowed before the planned day' })
  @NotNullWhenGiven()
  @IsInt()
  @Min(0)
  @Max(MAX_STUDY_DAY)
  window_before?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, example: 3, description: 'days allowed after the planned day' })
  @NotNullWhenGiven()
  @IsInt()
  @Min(0)
  @Max(MAX_STUDY_DAY)
  window_after?: number;

  @ApiPropertyOptional({ default: true })
  @NotNullWhenGiven()
  @IsBoolean()
  required?: boolean;
}

/** Why a change was made, for the audit trail (required to reopen a closed study). */
export class ReasonField {
  @ApiPropertyOptional({ example: 'protocol amendment 2', maxLength: 500 })
  @NotNullWhenGiven()
  @IsString()
  @Matches(text(500), { message: textRule('reason', 500) })
  reason?: string;
}
