import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsISO8601, IsNumber, IsObject, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { NotNullWhenGiven } from '../../../../../libs/platform/src/index.js';
import { SourceDto } from './source.dto.js';
import { MAX_SUBJECTS, VISIT_NAME } from '../../generators/request-limits.js';
import { IsRatesByArm, IsSitesParameter, PROTOCOL_ID, PROTOCOL_ID_RULE } from './parameter-validators.js';

export const MAX_SEED = 4_294_967_295;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const rate = (description: string): ApiPropertyOptions => ({ type: 'number', minimum: 0, maximum: 1, default: 0, example: 0.02, description });

/** Errors put in on purpose, per record (arm_switch: per subject), each recorded in the manifest. */
export class ErrorRatesDto {
  @ApiPropertyOptional(rate('a value outside the edit-check ranges (mostly still inside the capture limits, so it is stored)'))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  out_of_range?: number;

  @ApiPropertyOptional(rate('systolic and diastolic swapped (not storable: capture refuses a diastolic above the systolic)'))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  swapped_bp?: number;

  @ApiPropertyOptional(rate('temperature in °F instead of °C (not storable: capture takes 30–45 °C)'))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  unit_flip?: number;

  @ApiPropertyOptional(rate('a digit doubled, dropped or transposed (stored when the result is still a capturable value)'))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  typo?: number;

  @ApiPropertyOptional(rate('a second record of the same subject and visit, an hour later'))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  duplicate_visit?: number;

  @ApiPropertyOptional(rate('per subject: one record names another arm (not storable: the EDC keeps a subject\'s arm)'))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  arm_switch?: number;
}

/** What every generator takes. Defaults are filled in and recorded in the manifest. */
export class GenerationParametersDto {
  @ApiPropertyOptional({ example: 'DEFAULT', description: 'the study whose arms, visit schedule, sites and subject id format are used (default: the default study)' })
  @NotNullWhenGiven() @IsString() @Matches(PROTOCOL_ID, { message: `protocol_id ${PROTOCOL_ID_RULE}` })
  protocol_id?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SUBJECTS, default: 50, example: 100, description: 'subjects per arm (or give n_total)' })
  @NotNullWhenGiven() @IsInt() @Min(1) @Max(MAX_SUBJECTS)
  n_per_arm?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SUBJECTS, example: 300, description: "subjects in all, split by the study's allocation ratios" })
  @NotNullWhenGiven() @IsInt() @Min(1) @Max(MAX_SUBJECTS)
  n_total?: number;

  @ApiPropertyOptional({
    oneOf: [{ type: 'integer', minimum: 1, maximum: 99 }, { type: 'array', items: { type: 'string' } }],
    default: 3,
    example: 3,
    description: "how many sites (the study's first sites, then S01, S02...), or the site ids",
  })
  @NotNullWhenGiven() @IsSitesParameter()
  sites?: number | string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SEED, default: 1, example: 42, description: 'the same method, parameters and seed give the same bytes' })
  @NotNullWhenGiven() @IsInt() @Min(0) @Max(MAX_SEED)
  seed?: number;

  @ApiPropertyOptional({ format: 'date', default: '2025-01-06', example: '2025-01-06', description: "the first subject's Day 1; every date derives from it, never from the clock" })
  @NotNullWhenGiven() @IsString() @Matches(DATE, { message: 'reference_date must be a date as YYYY-MM-DD' }) @IsISO8601({ strict: true }, { message: 'reference_date must be a real calendar date' })
  reference_date?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 3650, default: 90, description: "subjects' Day 1 spread over this many days" })
  @NotNullWhenGiven() @IsInt() @Min(1) @Max(3650)
  enrolment_days?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 99_999_999, default: 1, description: 'sequence number of the first subject, to keep clear of subjects a study already has' })
  @NotNullWhenGiven() @IsInt() @Min(1) @Max(99_999_999)
  first_subject_number?: number;

  @ApiPropertyOptional(rate('probability that a post-baseline visit is missed (no record)'))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  missing_rate?: number;

  @ApiPropertyOptional(rate('probability that a subject drops out (withdrawn; no records from a post-baseline visit on)'))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  dropout_rate?: number;

  @ApiPropertyOptional({ type: ErrorRatesDto })
  @NotNullWhenGiven() @IsObject({ message: 'errors must be an object of rates' }) @ValidateNested() @Type(() => ErrorRatesDto)
  errors?: ErrorRatesDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number', minimum: 0, maximum: 20 },
    example: { Active: 0.8, Placebo: 0.5 },
    description: 'mean number of adverse events per subject, by arm (default Active 0.8, others 0.5)',
  })
  @NotNullWhenGiven() @IsRatesByArm(20)
  ae_rates?: Record<string, number>;

  @ApiPropertyOptional({ ...rate('share of adverse events that are serious'), default: 0.05 })
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  serious_rate?: number;

  @ApiPropertyOptional({ default: false, description: 'store the dataset in the study (a background job; admin or data manager) instead of answering a preview' })
  @NotNullWhenGiven() @IsBoolean()
  store?: boolean;
}

export class RulesParametersDto extends GenerationParametersDto {
  @ApiPropertyOptional({ type: 'number', minimum: -100, maximum: 100, default: -5, example: -5, description: 'Active − Placebo systolic BP at effect_visit, mmHg' })
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-100) @Max(100)
  target_effect?: number;

  @ApiPropertyOptional({ example: 'Week 12', description: "the visit at which the effect is reached (default: the schedule's last visit)" })
  @NotNullWhenGiven() @IsString() @Matches(VISIT_NAME, { message: 'effect_visit must be a visit name of 1 to 64 characters' })
  effect_visit?: string;
}

export class MvnParametersDto extends GenerationParametersDto {
  @ApiPropertyOptional({ type: SourceDto, description: "what to fit: a stored study, a stored dataset, or records (default: the study's stored vitals)" })
  @NotNullWhenGiven() @IsObject({ message: 'source must be an object' }) @ValidateNested() @Type(() => SourceDto)
  source?: SourceDto;
}

export class BootstrapParametersDto extends MvnParametersDto {
  @ApiPropertyOptional({ type: 'number', minimum: 0, maximum: 1, default: 0.05, description: "noise added to each value, as a fraction of the variable's SD" })
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  jitter?: number;
}

export class AdverseEventParametersDto extends GenerationParametersDto {}
