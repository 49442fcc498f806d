import { ApiProperty } from '@nestjs/swagger';
import { QUERY_STATUSES, RULE_SEVERITIES } from '../../../../../database/migrations/1765200000000-quality-checks.js';
import { type Page, PageInfo } from '../../../../../libs/platform/src/index.js';
import type { MessageKind, QueryStatus } from '../query-lifecycle.js';
import type { QueryMessageRow, QueryRow } from '../query.row.js';

const MESSAGE_KINDS = ['opened', 'answer', 'correction', 'comment', 'close', 'reopen', 'cancel', 'assign'];
const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** A data query (discrepancy) on one data point. */
export class QueryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'RA001', description: 'the study (protocol id)' }) study!: string;
  @ApiProperty({ type: String, nullable: true, example: 'S01' }) site_id!: string | null;
  @ApiProperty({ example: 'RA001-001' }) subject_id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the EDC subject\'s id' }) patient_id!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) vital_sign_id!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Week 4' }) visit_name!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'SystolicBP' }) field!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '250' }) value!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'VS001', description: 'the rule that raised it; null when opened by hand' }) rule_id!: string | null;
  @ApiProperty({ enum: RULE_SEVERITIES }) severity!: string;
  @ApiProperty({ example: 'Systolic BP 250 is outside 95–200 mmHg' }) message!: string;
  @ApiProperty({ enum: QUERY_STATUSES }) status!: QueryStatus;
  @ApiProperty({ enum: ['run', 'capture', 'manual'], description: 'a run of the checks, a soft check at capture, or opened by hand' }) origin!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) run_id!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigned_user_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) assigned_username!: string | null;
  @ApiProperty({ type: String, nullable: true }) assigned_site_id!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'who opened it (null: the system)' }) opened_by!: string | null;
  @ApiProperty({ type: String, nullable: true }) opened_by_username!: string | null;
  @ApiProperty({ format: 'date-time' }) opened_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'last answered in the current round (cleared on re-open)' }) answered_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'cleared on re-open' }) closed_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelled_at!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0 }) reopened_count!: number;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'whole days from opened until closed or cancelled, or until now while open or answered' }) age_days!: number;
}

export class QueryPage implements Page<QueryResponse> {
  @ApiProperty({ type: [QueryResponse], description: 'newest first (by opened_at, then id)' })
  data!: QueryResponse[];

  @ApiProperty({ type: PageInfo })
  page!: PageInfo;
}

/** One message of a query's thread. */
export class QueryMessageResponse {
  @ApiProperty({ type: 'integer', description: 'increases in the order the messages were written' }) id!: number;
  @ApiProperty({ enum: MESSAGE_KINDS }) kind!: MessageKind;
  @ApiProperty({ type: String, nullable: true, description: 'null when none was given (a close without text)' }) text!: string | null;
  @ApiProperty({ enum: QUERY_STATUSES, description: 'the query\'s status after this message' }) status_after!: QueryStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the system' }) author_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) author_username!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class QueryDetailResponse extends QueryResponse {
  @ApiProperty({ type: [QueryMessageResponse], description: 'oldest first' })
  thread!: QueryMessageResponse[];
}

export function toQueryResponse(row: QueryRow): QueryResponse {
  return {
    id: row.id,
    study: row.protocol_id,
    site_id: row.site_id,
    subject_id: row.subject_id,
    patient_id: row.patient_id,
    vital_sign_id: row.vital_sign_id,
    visit_name: row.visit_name,
    field: row.field,
    value: row.value,
    rule_id: row.rule_id,
    severity: row.severity,
    message: row.message,
    status: row.status,
    origin: row.origin,
    run_id: row.run_id,
    assigned_user_id: row.assigned_user_id,
    assigned_username: row.assigned_username,
    assigned_site_id: row.assigned_site_id,
    opened_by: row.opened_by,
    opened_by_username: row.opened_by_username,
    opened_at: row.opened_at.toISOString(),
    answered_at: iso(row.answered_at),
    closed_at: iso(row.closed_at),
    cancelled_at: iso(row.cancelled_at),
    reopened_count: row.reopened_count,
    updated_at: row.updated_at.toISOString(),
    age_days: Number(row.age_days),
  };
}

export function toMessageResponse(row: QueryMessageRow): QueryMessageResponse {
  return {
    id: Number(row.id),
    kind: row.kind,
    text: row.body === '' ? null : row.body,
    status_after: row.status_after,
    author_id: row.author_id,
    author_username: row.author_username,
    created_at: row.created_at.toISOString(),
  };
}
