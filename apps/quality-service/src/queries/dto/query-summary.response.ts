import { ApiProperty } from '@nestjs/swagger';

/** Queries by status. */
export class StatusCounts {
  @ApiProperty({ type: 'integer', minimum: 0 }) open!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) answered!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) closed!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) cancelled!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) total!: number;
}

export class SiteCounts extends StatusCounts {
  @ApiProperty({ type: String, nullable: true, example: 'S01', description: 'null: queries on subjects without a site' }) site_id!: string | null;
}

/** How long the unresolved (open or answered) queries have been open, counted from opened_at. */
export class UnresolvedAgeing {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'open or answered queries' }) count!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: '0 to 7 whole days old' }) days_0_7!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: '8 to 14 whole days old' }) days_8_14!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: '15 to 30 whole days old' }) days_15_30!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'more than 30 whole days old' }) days_over_30!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'median age in days (one decimal); null when none' }) median_age_days!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'oldest, in days (one decimal); null when none' }) max_age_days!: number | null;
}

/** How long the closed queries took, from opened to closed. */
export class ClosedAgeing {
  @ApiProperty({ type: 'integer', minimum: 0 }) count!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'median days from opened to closed (one decimal); null when none' }) median_days_to_close!: number | null;
}

export class QueryAgeing {
  @ApiProperty({ type: UnresolvedAgeing }) unresolved!: UnresolvedAgeing;
  @ApiProperty({ type: ClosedAgeing }) closed!: ClosedAgeing;
}

/** A study's queries at a glance: by site and status, and how long they stay open. */
export class QuerySummaryResponse {
  @ApiProperty({ example: 'RA001' }) study!: string;
  @ApiProperty({ type: StatusCounts, description: 'every query of the study at sites you may see' }) totals!: StatusCounts;
  @ApiProperty({ type: [SiteCounts], description: 'one entry per site with queries, by site id' }) by_site!: SiteCounts[];
  @ApiProperty({ type: QueryAgeing }) ageing!: QueryAgeing;
  @ApiProperty({ format: 'date-time', description: 'the time the ages were counted to' }) as_of!: string;
}
