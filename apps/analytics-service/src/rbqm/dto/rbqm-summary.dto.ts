import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { ScopeQuery } from '../../scope/scope.dto.js';
import { DEFAULT_TOLERANCE_LIMITS, type ToleranceLimits } from '../tolerance-limits.js';

const MAX_COUNT_LIMIT = 1_000_000;
const LIMITS_OBJECT = 'limits must be an object of tolerance limits, e.g. {"query_rate_per_100": 8}';

/** Quality tolerance limits replacing the defaults for one request (each optional). */
export class ToleranceLimitsDto implements Partial<ToleranceLimits> {
  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: DEFAULT_TOLERANCE_LIMITS.query_rate_per_100, description: 'a site is flagged when its queries per 100 data rows are above this' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'limits.query_rate_per_100 must be a number' })
  @Min(0, { message: 'limits.query_rate_per_100 must be at least 0' })
  @Max(100, { message: 'limits.query_rate_per_100 must be at most 100 (queries per 100 data rows)' })
  query_rate_per_100?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_COUNT_LIMIT, example: DEFAULT_TOLERANCE_LIMITS.subjects_missing_visits, description: 'a site is flagged when more subjects than this miss a required visit' })
  @IsOptional()
  @IsInt({ message: 'limits.subjects_missing_visits must be a whole number' })
  @Min(0, { message: 'limits.subjects_missing_visits must be at least 0' })
  @Max(MAX_COUNT_LIMIT, { message: `limits.subjects_missing_visits must be at most ${MAX_COUNT_LIMIT}` })
  subjects_missing_visits?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_COUNT_LIMIT, example: DEFAULT_TOLERANCE_LIMITS.serious_related_events, description: 'a site is flagged when it has more serious related adverse events than this' })
  @IsOptional()
  @IsInt({ message: 'limits.serious_related_events must be a whole number' })
  @Min(0, { message: 'limits.serious_related_events must be at least 0' })
  @Max(MAX_COUNT_LIMIT, { message: `limits.serious_related_events must be at most ${MAX_COUNT_LIMIT}` })
  serious_related_events?: number;
}

export class RbqmSummaryDto extends ScopeQuery {
  @ApiPropertyOptional({
    type: ToleranceLimitsDto,
    description: `quality tolerance limits replacing the defaults (query_rate_per_100 ${DEFAULT_TOLERANCE_LIMITS.query_rate_per_100}, subjects_missing_visits ${DEFAULT_TOLERANCE_LIMITS.subjects_missing_visits}, serious_related_events ${DEFAULT_TOLERANCE_LIMITS.serious_related_events})`,
  })
  @IsOptional()
  // A list would pass ValidateNested (its items are validated) and then be ignored: only an object is limits.
  @IsObject({ message: LIMITS_OBJECT })
  @ValidateNested({ message: LIMITS_OBJECT })
  @Type(() => ToleranceLimitsDto)
  limits?: ToleranceLimitsDto;
}
