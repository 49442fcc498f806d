import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 500;
/**
 * No list is that long, and every bound below stays exact in a JavaScript number and within the
 * database's bigint: 1e308 or 2^63 - 1 would otherwise pass as "whole numbers" and fail in SQL,
 * and 2^53 + 1 would be rounded before it got there.
 */
export const MAX_OFFSET = 1_000_000_000;
const OFFSET_RULE = `offset must be a whole number from 0 to ${MAX_OFFSET.toLocaleString('en-US')}`;

/** `?limit=&offset=` of every list: at most 500 a page, 50 by default. */
export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 50;

  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0, maximum: MAX_OFFSET, description: 'how many matches to skip' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: OFFSET_RULE })
  @Min(0, { message: OFFSET_RULE })
  @Max(MAX_OFFSET, { message: OFFSET_RULE })
  offset: number = 0;
}

/** A page of a list, with the total number of matches. */
export interface Page<T> {
  data: T[];
  page: { limit: number; offset: number; total: number };
}
