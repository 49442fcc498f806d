import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuditActor, AuditSealer, AuditService, CLINICAL_ENTITIES, type FieldChange } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
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

  async search(query: AuditEventsQuery, user: AuthenticatedUser): Promise<Page<AuditEventResponse>> {
    const { where, params } = buildFilter(query, user);
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
  async exportCsv(query: AuditEventsQuery, user: AuthenticatedUser, actor: AuditActor): Promise<string> {
    await this.sealer.seal(true);
    const { where, params } = buildFilter(query, user);
    const rows = (await this.dataSource.query(
      `${EVENTS_WITH_LINKS} ${where} ORDER BY e.seq LIMIT ${EXPORT_LIMIT}`,
      params,
    )) as AuditEventRow[];
    // The sites the export was limited to, as they were then: a user's sites may change later.
    const scope: Record<string, FieldChange> = isSiteLimited(user) ? { site_ids: { old: null, new: user.siteIds } } : {};
    await this.dataSource.transaction((db) =>
      this.audit.record(db, actor, [
        {
          action: 'export',
          entityType: 'audit_events',
          changes: { filters: { old: null, new: filtersOf(query) }, rows: { old: null, new: rows.length }, ...scope },
        },
      ]),
    );
    return toCsv(rows);
  }
}

function buildFilter(query: AuditEventsQuery, user: AuthenticatedUser): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) conditions.push(`${column} = $${params.push(value)}`);
  };
  equal('e.user_id', query.userId);
  equal('e.username', query.username);
  equal('e.entity_type', query.entityType);
  equal('e.entity_id', query.entityId);
  equal('e.subject', query.subject);
  equal('e.action', query.action);
  if (query.from) conditions.push(`e.occurred_at >= $${params.push(query.from)}`);
  if (query.to) conditions.push(`e.occurred_at < $${params.push(query.to)}`);
  if (isSiteLimited(user)) conditions.push(siteScope(user, params));
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

const UUID_TEXT = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/**
 * What a user limited to sites may see of the trail: events about subjects of their sites, and
 * their own events about no subject (sign-in, sign-out, exports). An event about a patient or vital
 * sign or adverse event is placed at a site by that record only (a subject number is unique only within a protocol,
 * so after the record is deleted its number could point at another protocol's subject): when the
 * record is gone, the event is not shown; it fails closed. Other events about a subject are placed
 * by its number, and then only if every subject with that number is at one of the user's sites.
 * Sites come from the EDC's published views, never from its tables.
 */
function siteScope(user: AuthenticatedUser, params: unknown[]): string {
  const sites = `$${params.push(user.siteIds)}::text[]`;
  const self = `$${params.push(user.id)}::uuid`;
  const clinical = `$${params.push(CLINICAL_ENTITIES)}::text[]`;
  const allowed = `coalesce(s.site_id = ANY(${sites}), false)`;
  const entityUuid = `CASE WHEN e.entity_id ~* ${UUID_TEXT} THEN e.entity_id::uuid END`;
  return `CASE WHEN e.entity_type = ANY(${clinical}) OR e.subject IS NOT NULL THEN coalesce(
      (SELECT ${allowed} FROM edc_subject_sites s
        WHERE e.entity_type = 'patient' AND s.patient_id = ${entityUuid}),
      (SELECT ${allowed} FROM edc_vital_sign_subjects v JOIN edc_subject_sites s USING (patient_id)
        WHERE e.entity_type = 'vital_sign' AND v.vital_sign_id = ${entityUuid}),
      (SELECT ${allowed} FROM edc_adverse_event_subjects a JOIN edc_subject_sites s USING (patient_id)
        WHERE e.entity_type = 'adverse_event' AND a.adverse_event_id = ${entityUuid}),
      (SELECT bool_and(${allowed}) FROM edc_subject_sites s
        WHERE s.subject_number = e.subject AND NOT e.entity_type = ANY(${clinical})),
      false)
    ELSE e.user_id = ${self} END`;
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
