import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuditActor, AuditService } from '../../../../libs/audit/src/index.js';
import type { Page } from '../../../../libs/platform/src/index.js';
import type { AuditEventsQuery } from './dto/audit-query.dto.js';

export interface AuditEventRow {
  seq: string;
  id: string;
  occurred_at: Date;
  user_id: string | null;
  username: string | null;
  role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  subject: string | null;
  client_address: string | null;
  request_id: string | null;
  changes: unknown;
  reason: string | null;
  previous_hash: string | null;
  hash: string;
}

export interface ChainVerification {
  intact: boolean;
  events_checked: number;
  first_broken?: { seq: number; event_id: string; problem: string };
}

/** Most rows one CSV export returns; narrow the filters for more. */
export const EXPORT_LIMIT = 100_000;

@Injectable()
export class AuditTrailService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async search(query: AuditEventsQuery): Promise<Page<AuditEventResponse>> {
    const { where, params } = buildFilter(query);
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT * FROM audit_events ${where} ORDER BY seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, query.limit, query.offset],
      ) as Promise<AuditEventRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total FROM audit_events ${where}`, params) as Promise<Array<{ total: number }>>,
    ]);
    return { data: rows.map(present), page: { limit: query.limit, offset: query.offset, total } };
  }

  /** The matching events as CSV, oldest first; the export itself is audited. */
  async exportCsv(query: AuditEventsQuery, actor: AuditActor): Promise<string> {
    const { where, params } = buildFilter(query);
    const rows = (await this.dataSource.query(
      `SELECT * FROM audit_events ${where} ORDER BY seq LIMIT ${EXPORT_LIMIT}`,
      params,
    )) as AuditEventRow[];
    await this.dataSource.transaction((db) =>
      this.audit.record(db, actor, [
        { action: 'export', entityType: 'audit_events', changes: { filters: { old: null, new: filtersOf(query) }, rows: { old: null, new: rows.length } } },
      ]),
    );
    return toCsv(rows);
  }

  /** Recomputes every hash and link in one set-based pass; reports the first event that does not fit. */
  async verify(): Promise<ChainVerification> {
    const [result] = (await this.dataSource.query(`
      WITH chain AS (
        SELECT e.seq, e.id, e.hash, e.previous_hash,
               audit_event_hash(e.previous_hash, e) AS expected_hash,
               lag(e.hash) OVER (ORDER BY e.seq) AS prior_hash
          FROM audit_events e
      ), broken AS (
        SELECT seq, id,
               CASE WHEN hash IS DISTINCT FROM expected_hash THEN 'the event was changed after it was written'
                    ELSE 'the link to the previous event is broken (an event was removed or reordered)' END AS problem
          FROM chain
         WHERE hash IS DISTINCT FROM expected_hash OR previous_hash IS DISTINCT FROM prior_hash
         ORDER BY seq LIMIT 1
      )
      SELECT (SELECT count(*)::int FROM chain) AS checked, b.seq, b.id, b.problem
        FROM (SELECT 1) one LEFT JOIN broken b ON true`)) as Array<{ checked: number; seq: string | null; id: string | null; problem: string | null }>;
    if (result.seq === null) return { intact: true, events_checked: result.checked };
    return {
      intact: false,
      events_checked: result.checked,
      first_broken: { seq: Number(result.seq), event_id: result.id as string, problem: result.problem as string },
    };
  }
}

function buildFilter(query: AuditEventsQuery): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) conditions.push(`${column} = $${params.push(value)}`);
  };
  equal('user_id', query.userId);
  equal('username', query.username);
  equal('entity_type', query.entityType);
  equal('entity_id', query.entityId);
  equal('subject', query.subject);
  equal('action', query.action);
  if (query.from) conditions.push(`occurred_at >= $${params.push(query.from)}`);
  if (query.to) conditions.push(`occurred_at < $${params.push(query.to)}`);
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

function filtersOf(query: AuditEventsQuery): Record<string, string> {
  const { limit: _limit, offset: _offset, ...filters } = query;
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as Record<string, string>;
}

export type AuditEventResponse = Omit<AuditEventRow, 'seq' | 'occurred_at'> & { seq: number; occurred_at: string };

function present(row: AuditEventRow): AuditEventResponse {
  return { ...row, seq: Number(row.seq), occurred_at: row.occurred_at.toISOString() };
}

const CSV_COLUMNS: Array<keyof AuditEventRow> = [
  'seq', 'occurred_at', 'user_id', 'username', 'role', 'action', 'entity_type', 'entity_id',
  'subject', 'client_address', 'request_id', 'reason', 'changes', 'hash',
];

function toCsv(rows: AuditEventRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** RFC 4180 quoting, and a leading quote on cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
