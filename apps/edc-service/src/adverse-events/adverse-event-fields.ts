import { BadRequestException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, registerDecorator, type ValidationOptions } from 'class-validator';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';

/**
 * The fields of an adverse event, their controlled vocabularies and the rules between them,
 * shared by capture (POST) and corrections (PATCH): both check the same things.
 */

/** The 27 MedDRA System Organ Classes, by their English names: the values `body_system` takes. */
export const BODY_SYSTEMS = [
  'Blood and lymphatic system disorders',
  'Cardiac disorders',
  'Congenital, familial and genetic disorders',
  'Ear and labyrinth disorders',
  'Endocrine disorders',
  'Eye disorders',
  'Gastrointestinal disorders',
  'General disorders and administration site conditions',
  'Hepatobiliary disorders',
  'Immune system disorders',
  'Infections and infestations',
  'Injury, poisoning and procedural complications',
  'Investigations',
  'Metabolism and nutrition disorders',
  'Musculoskeletal and connective tissue disorders',
  'Neoplasms benign, malignant and unspecified (incl cysts and polyps)',
  'Nervous system disorders',
  'Pregnancy, puerperium and perinatal conditions',
  'Product issues',
  'Psychiatric disorders',
  'Renal and urinary disorders',
  'Reproductive system and breast disorders',
  'Respiratory, thoracic and mediastinal disorders',
  'Skin and subcutaneous tissue disorders',
  'Social circumstances',
  'Surgical and medical procedures',
  'Vascular disorders',
] as const;
export type BodySystem = (typeof BODY_SYSTEMS)[number];

/** Causality to the study treatment, as the investigator assesses it. */
export const RELATIONSHIPS = ['not_related', 'unlikely_related', 'possibly_related', 'probably_related', 'related'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export const OUTCOMES = ['recovered', 'recovering', 'not_recovered', 'recovered_with_sequelae', 'fatal', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What was done with the study treatment because of the event. */
export const ACTIONS_TAKEN = [
  'none',
  'dose_reduced',
  'dose_increased',
  'drug_interrupted',
  'drug_withdrawn',
  'not_applicable',
  'unknown',
] as const;
export type ActionTaken = (typeof ACTIONS_TAKEN)[number];

/** CTCAE-style grades: 1 mild, 2 moderate, 3 severe, 4 life-threatening, 5 death related to the event. */
export const SEVERITY_GRADES = [1, 2, 3, 4, 5] as const;
export const MIN_SEVERITY_GRADE = 1;
export const MAX_SEVERITY_GRADE = 5;
export const FATAL_GRADE = 5;

export const MAX_TERM_LENGTH = 200;
/**
 * 1 to 200 characters counted as PostgreSQL counts them (code points, for the varchar(200)
 * column), and not blank.
 */
export const TERM = /^(?=[\s\S]*\S)[\s\S]{1,200}$/u;
export const TERM_RULE = `must be 1 to ${MAX_TERM_LENGTH} characters and not blank`;

/** The fields an adverse event holds, named as in requests and reads. */
export interface AdverseEventFields {
  term: string;
  body_system: BodySystem;
  onset_date: string;
  end_date: string | null;
  severity_grade: number;
  serious: boolean;
  relationship: Relationship;
  outcome: Outcome;
  action_taken: ActionTaken;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A date written YYYY-MM-DD that exists in the calendar (no 2026-02-30). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE_ONLY.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The latest date a site may write today: the server's UTC date plus one day, since a site
 * ahead of UTC is already in tomorrow.
 */
export function latestAllowedDate(now: Date): string {
  return new Date(now.getTime() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

// Cross-field rules: each answers the problem (named on the field to change) or null. Dates are
// compared as YYYY-MM-DD strings, which order like the dates they name.

/** end_date ≥ onset_date. */
export function endDateProblem(event: Pick<AdverseEventFields, 'onset_date' | 'end_date'>): ApiErrorDetail | null {
  if (event.end_date === null || event.end_date >= event.onset_date) return null;
  return { field: 'end_date', problems: [`must be on or after onset_date (${event.onset_date})`] };
}

/** Grade 5 means death from the event: grade 5 ⇔ outcome fatal. */
export function fatalGradeProblem(event: Pick<AdverseEventFields, 'severity_grade' | 'outcome'>): ApiErrorDetail | null {
  if (event.severity_grade === FATAL_GRADE && event.outcome !== 'fatal') {
    return { field: 'outcome', problems: [`must be fatal when severity_grade is ${FATAL_GRADE} (death related to the event)`] };
  }
  if (event.outcome === 'fatal' && event.severity_grade !== FATAL_GRADE) {
    return { field: 'severity_grade', problems: [`must be ${FATAL_GRADE} when outcome is fatal`] };
  }
  return null;
}

/** A fatal event is serious by definition (ICH E2A). */
export function fatalSeriousProblem(event: Pick<AdverseEventFields, 'outcome' | 'serious'>): ApiErrorDetail | null {
  if (event.outcome === 'fatal' && !event.serious) return { field: 'serious', problems: ['must be true when outcome is fatal'] };
  return null;
}

/** onset_date and end_date not after today (see `latestAllowedDate`). */
export function futureDateProblems(event: Pick<AdverseEventFields, 'onset_date' | 'end_date'>, now: Date): ApiErrorDetail[] {
  const latest = latestAllowedDate(now);
  const problems: ApiErrorDetail[] = [];
  if (event.onset_date > latest) problems.push({ field: 'onset_date', problems: ['must not be in the future'] });
  if (event.end_date !== null && event.end_date > latest) problems.push({ field: 'end_date', problems: ['must not be in the future'] });
  return problems;
}

/** Every rule between fields, for an event as it will be stored (a correction: the stored event with the changes applied). */
export function adverseEventProblems(event: AdverseEventFields, now: Date = new Date()): ApiErrorDetail[] {
  return [
    ...futureDateProblems(event, now),
    endDateProblem(event),
    fatalGradeProblem(event),
    fatalSeriousProblem(event),
  ].filter((problem): problem is ApiErrorDetail => problem !== null);
}

/** 400 in the ValidationPipe's shape when the event breaks a rule between its fields; nothing is stored. */
export function assertAdverseEventRules(event: AdverseEventFields, now: Date = new Date()): void {
  const details = adverseEventProblems(event, now);
  if (details.length === 0) return;
  const summary = details.map((detail) => `${detail.field}: ${detail.problems.join(', ')}`).join('; ');
  throw new BadRequestException({ message: `Validation failed: ${summary}`, details });
}

/** A calendar date written YYYY-MM-DD, not after today (see `latestAllowedDate`). */
export function IsPastOrTodayDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPastOrTodayDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isCalendarDate(value) && value <= latestAllowedDate(new Date()),
        defaultMessage: () => '$property must be a real date written YYYY-MM-DD, not in the future',
      },
    });
}

const oneOf = (values: readonly string[]): string => `must be one of: ${values.join('; ')}`;

/**
 * Every field of an adverse event, each checked on its own (types, vocabularies, ranges); the
 * rules between fields are `assertAdverseEventRules`. Capture uses it as is; a correction can
 * take `PartialType(AdverseEventFieldsDto)` and add its reason.
 */
export class AdverseEventFieldsDto {
  @ApiProperty({ example: 'Headache', minLength: 1, maxLength: MAX_TERM_LENGTH, description: 'the event as reported (verbatim term)' })
  @IsString()
  @Matches(TERM, { message: `term ${TERM_RULE}` })
  term!: string;

  @ApiProperty({ enum: BODY_SYSTEMS, example: 'Nervous system disorders', description: 'MedDRA System Organ Class' })
  @IsString()
  @IsIn(BODY_SYSTEMS, { message: `body_system ${oneOf(BODY_SYSTEMS)}` })
  body_system!: BodySystem;

  @ApiProperty({ format: 'date', example: '2026-03-02', description: 'not in the future' })
  @IsString()
  @IsPastOrTodayDate()
  onset_date!: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2026-03-04', description: 'on or after onset_date; absent or null while ongoing' })
  @IsOptional()
  @IsString()
  @IsPastOrTodayDate()
  end_date?: string | null;

  @ApiProperty({ type: 'integer', enum: SEVERITY_GRADES, example: 2, description: 'CTCAE-style: 1 mild … 5 death (then outcome is fatal)' })
  @IsInt()
  @Min(MIN_SEVERITY_GRADE)
  @Max(MAX_SEVERITY_GRADE)
  severity_grade!: number;

  @ApiProperty({ example: false, description: 'a serious adverse event (true when outcome is fatal)' })
  @IsBoolean()
  serious!: boolean;

  @ApiProperty({ enum: RELATIONSHIPS, example: 'possibly_related', description: 'to the study treatment' })
  @IsString()
  @IsIn(RELATIONSHIPS, { message: `relationship ${oneOf(RELATIONSHIPS)}` })
  relationship!: Relationship;

  @ApiProperty({ enum: OUTCOMES, example: 'recovered' })
  @IsString()
  @IsIn(OUTCOMES, { message: `outcome ${oneOf(OUTCOMES)}` })
  outcome!: Outcome;

  @ApiProperty({ enum: ACTIONS_TAKEN, example: 'none', description: 'with the study treatment' })
  @IsString()
  @IsIn(ACTIONS_TAKEN, { message: `action_taken ${oneOf(ACTIONS_TAKEN)}` })
  action_taken!: ActionTaken;
}

/** A validated DTO as the fields it stores (an absent end date is an ongoing event). */
export function toAdverseEventFields(dto: AdverseEventFieldsDto): AdverseEventFields {
  return {
    term: dto.term,
    body_system: dto.body_system,
    onset_date: dto.onset_date,
    end_date: dto.end_date ?? null,
    severity_grade: dto.severity_grade,
    serious: dto.serious,
    relationship: dto.relationship,
    outcome: dto.outcome,
    action_taken: dto.action_taken,
  };
}
