import { ApiProperty } from '@nestjs/swagger';
import { ResultMetaBody } from '../../results/result-meta.js';
import { ARM_CHANGES_NOT_MEASURED } from '../kri-rules.js';
import { RELATED_RELATIONSHIPS } from '../rbqm.repository.js';
import type { LimitFlag, ToleranceLimitName, ToleranceLimits } from '../tolerance-limits.js';

const LIMIT_NAMES: ToleranceLimitName[] = ['query_rate_per_100', 'subjects_missing_visits', 'serious_related_events'];

export class ToleranceLimitsBody implements ToleranceLimits {
  @ApiProperty({ example: 6 })
  query_rate_per_100!: number;

  @ApiProperty({ type: 'integer', example: 3 })
  subjects_missing_visits!: number;

  @ApiProperty({ type: 'integer', example: 5 })
  serious_related_events!: number;
}

export class LimitFlagBody implements LimitFlag {
  @ApiProperty({ enum: LIMIT_NAMES, example: 'query_rate_per_100', description: 'the quality tolerance limit crossed' })
  tolerance_limit!: ToleranceLimitName;

  @ApiProperty({ example: 12.5, description: "the site's indicator" })
  value!: number;

  @ApiProperty({ example: 6, description: 'the limit it is above' })
  threshold!: number;

  @ApiProperty({ example: 'Query rate 12.5 per 100 data rows is above the limit of 6: review the site\'s data entry and source documents' })
  message!: string;
}

/** The key risk indicators of a site, or of the study. */
export class RiskIndicatorsBody {
  @ApiProperty({ type: 'integer', example: 12, description: 'subjects stored' })
  subjects!: number;

  @ApiProperty({ type: 'integer', example: 96, description: 'stored vital-sign rows (data points)' })
  data_rows!: number;

  @ApiProperty({ type: 'integer', example: 7, description: 'queries on its subjects in any status but cancelled' })
  queries!: number;

  @ApiProperty({ type: 'number', nullable: true, example: 7.29, description: 'queries per 100 data rows; null without data rows' })
  query_rate_per_100!: number | null;

  @ApiProperty({ type: 'integer', example: 2, description: 'queries not yet closed or cancelled (open or answered)' })
  open_queries!: number;

  @ApiProperty({ type: 'integer', example: 3, description: "values outside the study's range rules (each value once)" })
  out_of_range_values!: number;

  @ApiProperty({ type: 'number', nullable: true, example: 3.13, description: 'out-of-range values per 100 data rows; null without data rows' })
  out_of_range_rate_per_100!: number | null;

  @ApiProperty({ type: 'integer', example: 1, description: "subjects missing a required visit (as the study's required-visit check defines it)" })
  subjects_missing_visits!: number;

  @ApiProperty({ type: 'integer', example: 0, description: `subjects whose arm changed: ${ARM_CHANGES_NOT_MEASURED}` })
  subjects_with_arm_changes!: number;

  @ApiProperty({ type: 'integer', example: 0, description: "records repeating a subject's visit (the later ones)" })
  duplicate_visits!: number;

  @ApiProperty({ type: 'integer', example: 2 })
  serious_events!: number;

  @ApiProperty({ type: 'integer', example: 1, description: `serious adverse events with relationship ${RELATED_RELATIONSHIPS.join(', ')}` })
  serious_related_events!: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'adverse events with outcome fatal' })
  fatal_events!: number;
}

export class SiteRiskBody extends RiskIndicatorsBody {
  @ApiProperty({ type: String, nullable: true, example: 'S01', description: 'null: subjects stored without a site' })
  site_id!: string | null;

  @ApiProperty({ type: [LimitFlagBody], description: 'each quality tolerance limit the site is above; empty when it is within all' })
  flags!: LimitFlagBody[];
}

export class StudyRiskBody extends RiskIndicatorsBody {
  @ApiProperty({ type: 'integer', example: 4, description: 'sites in the summary' })
  sites!: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'sites with at least one flag' })
  sites_flagged!: number;
}

export class RbqmSummaryResponse {
  @ApiProperty({ example: 'RA001' })
  study!: string;

  @ApiProperty({ type: ToleranceLimitsBody, description: 'the limits applied: the defaults, or those the request gave' })
  limits!: ToleranceLimitsBody;

  @ApiProperty({ type: 'integer', example: 0, description: "the version of the study's rule library whose range and required-visit rules were counted (0: the defaults)" })
  rules_version!: number;

  @ApiProperty({ type: [SiteRiskBody], description: 'by site id (every site of the scope, also those without data)' })
  sites!: SiteRiskBody[];

  @ApiProperty({ type: StudyRiskBody, description: 'the scope as a whole' })
  totals!: StudyRiskBody;

  @ApiProperty({ type: ResultMetaBody, description: 'records_used: stored vital-sign rows; never cached (queries change without an EDC write)' })
  meta!: ResultMetaBody;
}
