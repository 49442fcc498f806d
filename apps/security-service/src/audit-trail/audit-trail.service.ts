import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuditActor, AuditSealer, AuditService } from '../../../../libs/audit/src/index.js';
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
  /** The event's link in the hash chain; null for the moment between commit and sealing. */
  chain_position: string | null;
  previous_hash: string | null;
  hash: string | null;
}

/** Events with their chain link (left join: an event not sealed yet has none). */
const EVENTS_WITH_LINKS = `
  SELECT e.*, c.position AS chain_position, c.previous_hash, c.hash
    FROM audit_events e LEFT JOIN audit_chain c ON c.event_seq = e.seq`;

/** Most rows one CSV export returns; narrow the filters for more. */
export const EXPORT_LIMIT = 100_000;

@Injectable()
export class AuditTrailService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly sealer: AuditSealer,
  ) {}

  async search(query: AuditEventsQuery): Promise<Page<AuditEventResponse>> {
    const { where, params } = buildFilter(query);
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `${EVENTS_WITH_LINKS} ${where} ORDER BY e.seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, query.limit, query.offset],
      ) as Promise<AuditEventRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total FROM audit_events e ${where}`, params) as Promise<Array<{ total: number }>>,
    ]);
    return { data: rows.map(present), page: { limit: query.limit, offset: query.offset, total } };
  }

  /** The matching events as CSV, oldest first; the export itself is audited. */
  async exportCsv(query: AuditEventsQuery, actor: AuditActor): Promise<string> {
    await this.sealer.seal(true);
    const { where, params } = buildFilter(query);
    const rows = (await this.dataSource.query(
      `${EVENTS_WITH_LINKS} ${where} ORDER BY e.seq LIMIT ${EXPORT_LIMIT}`,
      params,
    )) as AuditEventRow[];
    await this.dataSource.transaction((db) =>
      this.audit.record(db, actor, [
        { action: 'export', entityType: 'audit_events', changes: { filters: { old: null, new: filtersOf(query) }, rows: { old: null, new: rows.length } } },
      ]),
    );
    return toCsv(rows);
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

export type AuditEventResponse = Omit<AuditEventRow, 'seq' | 'occurred_at' | 'chain_position'> & {
  seq: number;
  occurred_at: string;
  chain_position: number | null;
};

function present(row: AuditEventRow): AuditEventResponse {
  return { ...row, seq: Number(row.seq), occurred_at: row.occurred_at.toISOString(), chain_position: row.chain_position === null ? null : Number(row.chain_position) };
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
