import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiErrorDetail } from '../../../../../libs/platform/src/index.js';
import { RULE_SEVERITIES } from '../../../../../libs/edit-checks/src/index.js';

export class FindingResponse {
  @ApiProperty({ example: 'VS001' })
  rule_id!: string;

  @ApiProperty({ enum: RULE_SEVERITIES, example: 'minor' })
  severity!: string;

  @ApiProperty({ description: 'a hard finding refuses the record at capture', example: false })
  hard!: boolean;

  @ApiProperty({ example: 'RA001' })
  protocol_id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'S01' })
  site_id!: string | null;

  @ApiProperty({ example: 'RA001-001' })
  subject_id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Baseline' })
  visit_name!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'SystolicBP', description: 'the field in store-vitals names (VisitName for a missing visit)' })
  field!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '210', description: 'the value as text; null for a missing visit' })
  value!: string | null;

  @ApiProperty({ example: 'Systolic blood pressure is outside 95-200 mmHg.' })
  message!: string;
}

export class BatchFindingResponse extends FindingResponse {
  @ApiProperty({ type: 'integer', nullable: true, example: 0, description: "the record's position in records; null for a missing visit (a subject's finding)" })
  index!: number | null;
}

export class StoredFindingResponse extends FindingResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the vital sign; null for a missing visit' })
  vital_sign_id!: string | null;
}

export class RunFindingResponse extends StoredFindingResponse {
  @ApiProperty({ type: 'integer', example: 1 })
  id!: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the query on this data point: opened by this run, else the open (or answered) one, else the latest opened' })
  query_id!: string | null;
}

export class SeverityCounts {
  @ApiProperty({ type: 'integer', example: 0 })
  critical!: number;

  @ApiProperty({ type: 'integer', example: 1 })
  major!: number;

  @ApiProperty({ type: 'integer', example: 2 })
  minor!: number;
}

export class InvalidRecord {
  @ApiProperty({ type: 'integer', example: 3 })
  index!: number;

  @ApiProperty({ type: [ApiErrorDetail], example: [{ field: 'records[3].SystolicBP', problems: ['must be a number (at most 1000000 either side of 0)'] }] })
  problems!: ApiErrorDetail[];
}

export class ValidateBatchResponse {
  @ApiProperty({ type: 'integer', example: 2, description: 'records sent' })
  total!: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'records with at least one finding' })
  records_with_findings!: number;

  @ApiProperty({ type: SeverityCounts, description: 'findings per severity' })
  by_severity!: SeverityCounts;

  @ApiProperty({ type: [BatchFindingResponse], description: 'by record, then rule' })
  findings!: BatchFindingResponse[];

  @ApiProperty({ type: [InvalidRecord], description: 'records with a wrong type or an unknown field: not checked by the rules' })
  invalid_records!: InvalidRecord[];
}

export class TryRuleResponse {
  @ApiProperty({ type: 'integer', example: 1200, description: 'records checked' })
  records_checked!: number;

  @ApiProperty({ type: 'integer', example: 1350, description: 'all findings of the rule' })
  total!: number;

  @ApiProperty({ type: SeverityCounts })
  by_severity!: SeverityCounts;

  @ApiProperty({ description: 'true when findings holds only the first 1,000', example: true })
  truncated!: boolean;

  @ApiProperty({ type: [BatchFindingResponse], description: 'at most 1,000; on stored data, index is null and vital_sign_id names the record' })
  findings!: Array<BatchFindingResponse | StoredFindingResponse>;

  @ApiPropertyOptional({ type: [InvalidRecord], description: 'on a batch: records not checked' })
  invalid_records?: InvalidRecord[];
}

export class RunResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'RA001' })
  protocol_id!: string;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'the site, when the run read one site' })
  site_id!: string | null;

  @ApiProperty({
    type: [String],
    nullable: true,
    example: ['S01'],
    description:
      "the sites the run read: null for a run over every site of the study; a one-subject run names the subject's site. " +
      'A site-limited user sees the run only when these are all theirs',
  })
  site_ids!: string[] | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  subject_id!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  dataset_id!: string | null;

  @ApiProperty({ type: 'integer', example: 0, description: 'the rule library version run (0 = the default rules)' })
  rules_version!: number;

  @ApiProperty({
    example: '5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592',
    description: 'sha256 (hex) of the rules run, as JSON with sorted keys and no spaces: the defaults (version 0) may change between releases',
  })
  rules_sha256!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  run_by!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'dm.jones' })
  run_by_username!: string | null;

  @ApiProperty({ format: 'date-time', description: "the database's clock when the run began checking (once no other run of the study held it)" })
  started_at!: string;

  @ApiProperty({ format: 'date-time', description: "the database's clock once the findings, queries and audit event were written" })
  finished_at!: string;

  @ApiProperty({ type: 'integer', example: 1200 })
  rows_checked!: number;

  @ApiProperty({ type: 'integer', example: 100 })
  subjects_checked!: number;

  @ApiProperty({ type: 'integer', example: 14 })
  findings_total!: number;

  @ApiProperty({ type: SeverityCounts })
  findings_by_severity!: SeverityCounts;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { VS001: 3, VS011: 2 } })
  findings_by_rule!: Record<string, number>;

  @ApiProperty({ type: 'integer', example: 12, description: 'queries this run opened (a data point that has a query, in any status, gets none)' })
  queries_opened!: number;
}

class PageInfo {
  @ApiProperty({ type: 'integer' })
  limit!: number;

  @ApiProperty({ type: 'integer' })
  offset!: number;

  @ApiProperty({ type: 'integer' })
  total!: number;
}

export class RunPage {
  @ApiProperty({ type: [RunResponse] })
  data!: RunResponse[];

  @ApiProperty({ type: PageInfo })
  page!: PageInfo;
}

export class RunFindingPage {
  @ApiProperty({ type: [RunFindingResponse] })
  data!: RunFindingResponse[];

  @ApiProperty({ type: PageInfo })
  page!: PageInfo;
}
