import { ApiProperty } from '@nestjs/swagger';
import type { ScopeDescription } from '../scope/analysis-scope.js';

/** What every analytics answer says about itself: the data it read, how much of it, and when. */
export interface ResultMeta {
  scope: ScopeDescription;
  /** Stored vital-sign records (or supplied records) the result was computed from. */
  records_used: number;
  /** When the figures were computed (an answer from the cache keeps its original time). */
  computed_at: string;
  /** Served from the cache: computed earlier over the same data, nothing changed since. */
  cached: boolean;
}

export class ScopeDescriptionBody implements ScopeDescription {
  @ApiProperty({ example: 'RA001' })
  study!: string;

  @ApiProperty({ oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string', enum: ['all'] }], example: 'all' })
  sites!: string[] | 'all';

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  dataset_id!: string | null;

  @ApiProperty({ description: "the caller sees only some sites: the figures cover those sites' subjects only" })
  site_limited!: boolean;

  @ApiProperty({ type: 'string', nullable: true, example: null })
  note!: string | null;
}

export class ResultMetaBody implements ResultMeta {
  @ApiProperty({ type: ScopeDescriptionBody })
  scope!: ScopeDescriptionBody;

  @ApiProperty({ type: 'integer', example: 1200 })
  records_used!: number;

  @ApiProperty({ format: 'date-time' })
  computed_at!: string;

  @ApiProperty()
  cached!: boolean;
}
