import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';
import { RandomizationSettingsDto } from './randomization-settings.dto.js';
import { IsSubjectIdFormat, LABEL, MAX_ARMS, MAX_SITES, MAX_VISITS, NotNullWhenGiven, text, textRule } from './study-fields.js';
import { StudyArmDto, StudySiteDto, StudyVisitDto } from './study-parts.dto.js';

/** The settings a study is created with and may change later (PATCH). */
export class StudySettingsFields {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Day 1', description: 'one of the schedule\'s visits' })
  @IsOptional()
  @IsString()
  @Matches(LABEL, { message: textRule('baseline_visit', 64) })
  baseline_visit?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'RA001-{seq:3}', description: 'how enrolment numbers subjects: one {seq} or {seq:N}, optionally {site}; null: sites give the numbers' })
  @IsOptional()
  @IsSubjectIdFormat()
  subject_id_format?: string | null;

  @ApiPropertyOptional({ default: false, description: 'records may name sites the study does not list (they are added)' })
  @NotNullWhenGiven()
  @IsBoolean()
  allow_new_sites?: boolean;

  @ApiPropertyOptional({ default: false, description: 'records may name visits the schedule does not list' })
  @NotNullWhenGiven()
  @IsBoolean()
  allow_unscheduled_visits?: boolean;

  @ApiPropertyOptional({ default: false, description: 'records may name arms the study does not list' })
  @NotNullWhenGiven()
  @IsBoolean()
  allow_unlisted_arms?: boolean;

  @ApiPropertyOptional({ type: RandomizationSettingsDto })
  @NotNullWhenGiven()
  @IsObject({ message: 'randomization must be an object' })
  @ValidateNested()
  @Type(() => RandomizationSettingsDto)
  randomization?: RandomizationSettingsDto;
}

export class CreateStudyDto extends StudySettingsFields {
  @ApiProperty({ example: 'RA002' })
  @Matches(CLINICAL_CODE, { message: `protocol_id ${CLINICAL_CODE_HINT}` })
  protocol_id!: string;

  @ApiProperty({ example: 'Rheumatoid arthritis, phase II', maxLength: 300 })
  @IsString()
  @Matches(text(300), { message: textRule('title', 300) })
  title!: string;

  @ApiPropertyOptional({ enum: ['set_up', 'enrolling'], default: 'set_up' })
  @NotNullWhenGiven()
  @IsIn(['set_up', 'enrolling'], { message: 'status of a new study must be set_up or enrolling' })
  status?: 'set_up' | 'enrolling';

  @ApiPropertyOptional({ type: [StudySiteDto], maxItems: MAX_SITES })
  @NotNullWhenGiven()
  @IsArray()
  @ArrayMaxSize(MAX_SITES, { message: `sites must hold at most ${MAX_SITES} sites (add more with POST .../sites)` })
  @ValidateNested({ each: true })
  @Type(() => StudySiteDto)
  sites?: StudySiteDto[];

  @ApiPropertyOptional({ type: [StudyArmDto], maxItems: MAX_ARMS })
  @NotNullWhenGiven()
  @IsArray()
  @ArrayMaxSize(MAX_ARMS, { message: `arms must hold at most ${MAX_ARMS} arms` })
  @ValidateNested({ each: true })
  @Type(() => StudyArmDto)
  arms?: StudyArmDto[];

  @ApiPropertyOptional({ type: [StudyVisitDto], maxItems: MAX_VISITS, description: 'visits in display order' })
  @NotNullWhenGiven()
  @IsArray()
  @ArrayMaxSize(MAX_VISITS, { message: `schedule must hold at most ${MAX_VISITS} visits` })
  @ValidateNested({ each: true })
  @Type(() => StudyVisitDto)
  schedule?: StudyVisitDto[];
}
