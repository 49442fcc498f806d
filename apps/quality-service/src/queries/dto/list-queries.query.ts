import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { QUERY_STATUSES, RULE_SEVERITIES } from '../../../../../database/migrations/1765200000000-quality-checks.js';
import { PageQuery } from '../../../../../libs/platform/src/index.js';
import type { QueryStatus } from '../query-lifecycle.js';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from './clinical-code.js';

const UUID_OR_ME = /^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const MAX_AGE_DAYS = 36_500;

/** `?status=open&status=answered` and `?status=open,answered` alike. */
const listOf = Transform(({ value }: { value: unknown }) =>
  (Array.isArray(value) ? value : [value]).flatMap((item) => (typeof item === 'string' ? item.split(',') : [item])),
);

export class ListQueriesQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'RA001', description: 'the study (protocol id)' })
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `study ${CLINICAL_CODE_HINT}` })
  study?: string;

  @ApiPropertyOptional({ example: 'S01', description: 'the site of the subject' })
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `site ${CLINICAL_CODE_HINT}` })
  site?: string;

  @ApiPropertyOptional({ example: 'RA001-001', description: 'the subject id' })
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `subject ${CLINICAL_CODE_HINT}` })
  subject?: string;

  @ApiPropertyOptional({
    enum: QUERY_STATUSES,
    isArray: true,
    description: 'one or several: repeat the parameter or separate with commas (status=open,answered)',
  })
  @IsOptional()
  @listOf
  @IsIn(QUERY_STATUSES, { each: true, message: `status must be one or several of: ${QUERY_STATUSES.join(', ')}` })
  status?: QueryStatus[];

  @ApiPropertyOptional({ enum: RULE_SEVERITIES })
  @IsOptional()
  @IsIn(RULE_SEVERITIES, { message: `severity must be one of: ${RULE_SEVERITIES.join(', ')}` })
  severity?: string;

  @ApiPropertyOptional({ example: 'VS001', description: 'the rule that raised it' })
  @IsOptional()
  @Matches(RULE_ID, { message: 'rule must be 1-32 letters, digits, dots, dashes or underscores' })
  rule?: string;

  @ApiPropertyOptional({ example: 'me', description: 'the assigned user\'s id, or `me`' })
  @IsOptional()
  @Matches(UUID_OR_ME, { message: 'assignee must be a user id (UUID) or me' })
  assignee?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'at least this many whole days old (see age_days)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'min_age_days must be a whole number of days' })
  @Min(0)
  @Max(MAX_AGE_DAYS)
  min_age_days?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'at most this many whole days old (see age_days)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'max_age_days must be a whole number of days' })
  @Min(0)
  @Max(MAX_AGE_DAYS)
  max_age_days?: number;
}

export class QuerySummaryQuery {
  @ApiProperty({ example: 'RA001', description: 'the study (protocol id)' })
  @IsDefined({ message: 'study is required' })
  @Matches(CLINICAL_CODE, { message: `study ${CLINICAL_CODE_HINT}` })
  study!: string;
}
