import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';
import { STUDY_STATUSES, type StudyStatus } from '../study-design.js';
import { StudySettingsFields } from './create-study.dto.js';
import { MAX_ARMS, MAX_VISITS, NotNullWhenGiven, text, textRule } from './study-fields.js';
import { StudyArmDto, StudyVisitDto } from './study-parts.dto.js';

export class ChangeStudyDto extends StudySettingsFields {
  @ApiPropertyOptional({ example: 'Rheumatoid arthritis, phase II', maxLength: 300 })
  @NotNullWhenGiven()
  @IsString()
  @Matches(text(300), { message: textRule('title', 300) })
  title?: string;

  @ApiPropertyOptional({ enum: STUDY_STATUSES, description: 'set_up → enrolling → closed; closed → enrolling reopens (with a reason)' })
  @NotNullWhenGiven()
  @IsIn(STUDY_STATUSES, { message: `status must be one of ${STUDY_STATUSES.join(', ')}` })
  status?: StudyStatus;

  @ApiPropertyOptional({ example: 'protocol amendment 2', maxLength: 500, description: 'for the audit trail; required to reopen a closed study' })
  @NotNullWhenGiven()
  @IsString()
  @Matches(text(500), { message: textRule('reason', 500) })
  reason?: string;
}

export class ReplaceArmsDto {
  @ApiProperty({ type: [StudyArmDto], maxItems: MAX_ARMS, description: 'the study\'s arms, in display order' })
  @IsArray()
  @ArrayMaxSize(MAX_ARMS, { message: `arms must hold at most ${MAX_ARMS} arms` })
  @ValidateNested({ each: true })
  @Type(() => StudyArmDto)
  arms!: StudyArmDto[];

  @ApiPropertyOptional({ example: 'protocol amendment 2', maxLength: 500 })
  @NotNullWhenGiven()
  @IsString()
  @Matches(text(500), { message: textRule('reason', 500) })
  reason?: string;
}

export class ReplaceScheduleDto {
  @ApiProperty({ type: [StudyVisitDto], maxItems: MAX_VISITS, description: 'the visits in display order' })
  @IsArray()
  @ArrayMaxSize(MAX_VISITS, { message: `schedule must hold at most ${MAX_VISITS} visits` })
  @ValidateNested({ each: true })
  @Type(() => StudyVisitDto)
  schedule!: StudyVisitDto[];

  @ApiPropertyOptional({ example: 'protocol amendment 2', maxLength: 500 })
  @NotNullWhenGiven()
  @IsString()
  @Matches(text(500), { message: textRule('reason', 500) })
  reason?: string;
}

export class AddSiteDto {
  @ApiProperty({ example: 'S03' })
  @Matches(CLINICAL_CODE, { message: `site_id ${CLINICAL_CODE_HINT}` })
  site_id!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Bergen Hospital', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Matches(text(200), { message: textRule('name', 200) })
  name?: string | null;

  @ApiPropertyOptional({ example: 'new site for recruitment', maxLength: 500 })
  @NotNullWhenGiven()
  @IsString()
  @Matches(text(500), { message: textRule('reason', 500) })
  reason?: string;
}

export class ChangeSiteDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Bergen Hospital', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Matches(text(200), { message: textRule('name', 200) })
  name?: string | null;

  @ApiPropertyOptional({ description: 'false closes the site: it takes no new records' })
  @NotNullWhenGiven()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ example: 'site closed after its last subject completed', maxLength: 500 })
  @NotNullWhenGiven()
  @IsString()
  @Matches(text(500), { message: textRule('reason', 500) })
  reason?: string;
}
