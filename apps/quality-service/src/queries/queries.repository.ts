import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import type { DirectoryUser } from './assignee.js';
import type { MessageKind, QueryChange, QueryStatus, QueryTimestamp } from './query-lifecycle.js';
import type { QueryMessageRow, QueryRow } from './query.row.js';

/** The sites a user is limited to, or null for a user of every site. */
export type SiteScope = string[] | null;

export interface QueryFilter {
  study?: string;
  site?: string;
  subject?: string;
  statuses?: QueryStatus[];
  severity?: string;
  rule?: string;
  assigneeId?: string;
  minAgeDays?: number;
  maxAgeDays?: number;
}

export interface NewManualQuery {
  protocolId: string;
  siteId: string | null;
  subjectId: string;
  patientId: string;
  vitalSignId: string | null;
  visitName: string | null;
  field: string | null;
  value: string | null;
  severity: string;
  message: string;
}

/** An open or answered query on the same data point as another query. */
export interface OpenTwin {
  id: string;
  status: QueryStatus;
  visible: boolean;
}

/** Who a query is assigned to; a property left out is not changed. */
export interface Assignment {
  userId?: string | null;
  username?: string | null;
  siteId?: string | null;
}

/**
 * Whole days a query has been unresolved: from opened until closed or cancelled, or until now
 * while it is open or answered (so a re-opened query counts from its first opening). Never below
 * 0: a query opened in this transaction has an opened_at (clock time) after its now().
 */
const AGE_DAYS = `greatest(0, floor(extract(epoch FROM (CASE q.status WHEN 'closed' THEN coalesce(q.closed_at, now())
                                                                    WHEN 'cancelled' THEN coalesce(q.cancelled_at, now())
                                                                    ELSE now() END) - q.opened_at) / 86400))::int`;
const COLUMNS = `q.*, ${AGE_DAYS} AS age_days`;

/** `$n` holds the user's sites, or null: a site-limited user sees only queries of their sites. */
const inScope = (parameter: string): string => `(${parameter}::text[] IS NULL OR q.site_id = ANY(${parameter}::text[]))`;

/** quality_queries and their threads, in SQL: lists and counts in the database, moves on a locked row. */
@Injectable()
export class QueriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One page, newest first, and the number of all matches, in one statement (one snapshot). The
   * page is a LIMITed scan in (opened_at DESC, id DESC) order, which the index (protocol_id,
   * opened_at DESC, id DESC) serves without sorting: reading stops after offset + limit rows. The
   * total is a plain count(*) over the same conditions, which reads no wide row and sorts nothing
   * (an index-only scan where the filters allow). A `count(*) OVER ()` in the page itself would
   * have to produce, and sort, every match before the first row of the page.
   */
  async list(filter: QueryFilter, scope: SiteScope, limit: number, offset: number): Promise<{ rows: QueryRow[]; total: number }> {
    const { where, params } = whereOf(filter, scope);
    const rows = (await this.dataSource.query(
      `SELECT t.total, p.*
         FROM (SELECT count(*) AS total FROM quality_queries q WHERE ${where}) t
         LEFT JOIN LATERAL (SELECT ${COLUMNS} FROM quality_queries q WHERE ${where}
                             ORDER BY q.opened_at DESC, q.id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}) p ON true
        ORDER BY p.opened_at DESC, p.id DESC`,
      [...params, limit, offset],
    )) as Array<QueryRow & { total: string }>;
    // A page past the end is one row of nulls carrying the total.
    const total = Number(rows[0]?.total ?? 0);
    return { rows: rows.filter((row) => row.id !== null).map(({ total: _total, ...row }) => row), total };
  }

  async find(id: string, scope: SiteScope, db: EntityManager = this.dataSource.manager): Promise<QueryRow | null> {
    const rows = (await db.query(`SELECT ${COLUMNS} FROM quality_queries q WHERE q.id = $1 AND ${inScope('$2')}`, [id, scope])) as QueryRow[];
    return rows[0] ?? null;
  }

  /** The query, locked until the transaction ends, so that moves on it happen one after the other. */
  async lock(db: EntityManager, id: string, scope: SiteScope): Promise<QueryRow | null> {
    const rows = (await db.query(`SELECT ${COLUMNS} FROM quality_queries q WHERE q.id = $1 AND ${inScope('$2')} FOR UPDATE`, [id, scope])) as QueryRow[];
    return rows[0] ?? null;
  }

  async thread(id: string, db: EntityManager = this.dataSource.manager): Promise<QueryMessageRow[]> {
    return (await db.query(
      `SELECT id, kind, body, status_after, author_id, author_username, created_at FROM quality_query_messages WHERE query_id = $1 ORDER BY id`,
      [id],
    )) as QueryMessageRow[];
  }

  /** Writes a move's change (and an assignment) to the locked row; answers the row as it is now. */
  async applyChange(db: EntityManager, id: string, change: QueryChange, assignment: Assignment = {}): Promise<QueryRow> {
    const params: unknown[] = [id, change.status, change.reopenedCount];
    const sets = ['status = $2', 'reopened_count = $3', 'updated_at = clock_timestamp()'];
    const stamp = (column: QueryTimestamp, value: string) => sets.push(`${column} = ${value}`);
    for (const column of change.stamps) stamp(column, 'clock_timestamp()');
    for (const column of change.clears) stamp(column, 'NULL');
    const assign = (column: string, value: string | null | undefined) => {
      if (value !== undefined) sets.push(`${column} = $${params.push(value)}`);
    };
    assign('assigned_user_id', assignment.userId);
    assign('assigned_username', assignment.username);
    assign('assigned_site_id', assignment.siteId);
    await db.query(`UPDATE quality_queries SET ${sets.join(', ')} WHERE id = $1`, params);
    return (await this.find(id, null, db))!;
  }

  async addMessage(db: EntityManager, id: string, kind: MessageKind, body: string, statusAfter: QueryStatus, actor: AuditActor): Promise<void> {
    await db.query(
      `INSERT INTO quality_query_messages (query_id, kind, body, status_after, author_id, author_username) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, kind, body, statusAfter, actor.userId, actor.username],
    );
  }

  /** Opens a query by hand; null when an identical open (or answered) query exists (quality_queries_one_open_idx). */
  async insertManual(db: EntityManager, query: NewManualQuery, actor: AuditActor): Promise<QueryRow | null> {
    const inserted = (await db.query(
      `INSERT INTO quality_queries (protocol_id, site_id, subject_id, patient_id, vital_sign_id, visit_name, field, value,
                                    severity, message, origin, opened_by, opened_by_username)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'manual', $11, $12)
       ON CONFLICT DO NOTHING RETURNING id`,
      [query.protocolId, query.siteId, query.subjectId, query.patientId, query.vitalSignId, query.visitName, query.field, query.value, query.severity, query.message, actor.userId, actor.username],
    )) as Array<{ id: string }>;
    return inserted.length === 0 ? null : this.find(inserted[0].id, null, db);
  }

  /** The open (or answered) query on the same data point that a manual query would duplicate. */
  async findIdentical(db: EntityManager, query: NewManualQuery): Promise<{ id: string; status: QueryStatus } | null> {
    const rows = (await db.query(
      `SELECT id, status FROM quality_queries
        WHERE protocol_id = $1 AND subject_id = $2 AND coalesce(visit_name, '') = coalesce($3, '') AND coalesce(field, '') = coalesce($4, '')
          AND coalesce(value, '') = coalesce($5, '') AND rule_id IS NULL AND vital_sign_id IS NOT DISTINCT FROM $6::uuid
          AND status IN ('open', 'answered')`,
      [query.protocolId, query.subjectId, query.visitName, query.field, query.value, query.vitalSignId],
    )) as Array<{ id: string; status: QueryStatus }>;
    return rows[0] ?? null;
  }

  /**
   * The open or answered query on the same data point as query `id` (same study, subject, visit,
   * field, value, rule and vital sign: the key of quality_queries_one_open_idx), other than itself:
   * the one that stops `id` from being open again. `visible` says whether the caller's sites hold it.
   */
  async findOpenTwin(id: string, scope: SiteScope, db: EntityManager = this.dataSource.manager): Promise<OpenTwin | null> {
    const rows = (await db.query(
      `SELECT o.id, o.status, ($2::text[] IS NULL OR o.site_id = ANY($2::text[])) AS visible
         FROM quality_queries q
         JOIN quality_queries o
           ON o.protocol_id = q.protocol_id AND o.subject_id = q.subject_id
          AND coalesce(o.visit_name, '') = coalesce(q.visit_name, '') AND coalesce(o.field, '') = coalesce(q.field, '')
          AND coalesce(o.value, '') = coalesce(q.value, '') AND coalesce(o.rule_id, '') = coalesce(q.rule_id, '')
          AND o.vital_sign_id IS NOT DISTINCT FROM q.vital_sign_id
        WHERE q.id = $1 AND o.id <> q.id AND o.status IN ('open', 'answered')
        LIMIT 1`,
      [id, scope],
    )) as OpenTwin[];
    return rows[0] ?? null;
  }

  /** The subject in the EDC's published view, if it exists. */
  async findSubject(db: EntityManager, protocolId: string, subjectId: string): Promise<{ patient_id: string; site_id: string | null } | null> {
    const rows = (await db.query(`SELECT patient_id, site_id FROM edc_subjects WHERE protocol_id = $1 AND subject_number = $2`, [protocolId, subjectId])) as Array<{
      patient_id: string;
      site_id: string | null;
    }>;
    return rows[0] ?? null;
  }

  /** A vital sign of this subject (not entered in error), if it exists. */
  async findVital(db: EntityManager, patientId: string, vitalSignId: string): Promise<{ visit_name: string } | null> {
    const rows = (await db.query(`SELECT visit_name FROM edc_vitals WHERE vital_sign_id = $1 AND patient_id = $2`, [vitalSignId, patientId])) as Array<{ visit_name: string }>;
    return rows[0] ?? null;
  }

  async studyExists(protocolId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM edc_studies WHERE protocol_id = $1`, [protocolId])) as unknown[];
    return rows.length > 0;
  }

  /** A user in the security service's published directory (never its users table), if they exist. */
  async directoryUser(db: EntityManager, id: string): Promise<DirectoryUser | null> {
    const rows = (await db.query(`SELECT id, username, roles, site_ids, active FROM security_user_directory WHERE id = $1`, [id])) as DirectoryUser[];
    return rows[0] ?? null;
  }

  /** Counts by site and status, and ageing, in one statement (one snapshot, one `now()`). */
  async summary(protocolId: string, scope: SiteScope): Promise<SummaryRow> {
    const [row] = (await this.dataSource.query(
      `WITH scoped AS (SELECT q.site_id, q.status, q.opened_at, q.closed_at FROM quality_queries q WHERE q.protocol_id = $1 AND ${inScope('$2')}),
            unresolved AS (SELECT greatest(0, extract(epoch FROM now() - opened_at) / 86400) AS days FROM scoped WHERE status IN ('open', 'answered')),
            closed AS (SELECT extract(epoch FROM closed_at - opened_at) / 86400 AS days FROM scoped WHERE status = 'closed' AND closed_at IS NOT NULL)
       SELECT (SELECT coalesce(json_agg(json_build_object('site_id', site_id, 'status', status, 'n', n) ORDER BY site_id NULLS LAST, status), '[]'::json)
                 FROM (SELECT site_id, status, count(*)::int AS n FROM scoped GROUP BY site_id, status) c) AS counts,
              (SELECT json_build_object(
                        'count', count(*),
                        'days_0_7', count(*) FILTER (WHERE floor(days) <= 7),
                        'days_8_14', count(*) FILTER (WHERE floor(days) BETWEEN 8 AND 14),
                        'days_15_30', count(*) FILTER (WHERE floor(days) BETWEEN 15 AND 30),
                        'days_over_30', count(*) FILTER (WHERE floor(days) > 30),
                        'median_age_days', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY days))::numeric, 1),
                        'max_age_days', round(max(days)::numeric, 1))
                 FROM unresolved) AS unresolved,
              (SELECT json_build_object('count', count(*), 'median_days_to_close', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY days))::numeric, 1))
                 FROM closed) AS closed,
              now() AS as_of`,
      [protocolId, scope],
    )) as SummaryRow[];
    return row;
  }
}

export interface SummaryRow {
  counts: Array<{ site_id: string | null; status: QueryStatus; n: number }>;
  unresolved: {
    count: number;
    days_0_7: number;
    days_8_14: number;
    days_15_30: number;
    days_over_30: number;
    median_age_days: number | null;
    max_age_days: number | null;
  };
  closed: { count: number; median_days_to_close: number | null };
  as_of: Date;
}

function whereOf(filter: QueryFilter, scope: SiteScope): { where: string; params: unknown[] } {
  const params: unknown[] = [scope];
  const conditions = [inScope('$1')];
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) conditions.push(`${column} = $${params.push(value)}`);
  };
  equal('q.protocol_id', filter.study);
  equal('q.site_id', filter.site);
  equal('q.subject_id', filter.subject);
  equal('q.severity', filter.severity);
  equal('q.rule_id', filter.rule);
  if (filter.assigneeId !== undefined) conditions.push(`q.assigned_user_id = $${params.push(filter.assigneeId)}::uuid`);
  if (filter.statuses?.length) conditions.push(`q.status = ANY($${params.push(filter.statuses)}::text[])`);
  if (filter.minAgeDays !== undefined) conditions.push(`${AGE_DAYS} >= $${params.push(filter.minAgeDays)}`);
  if (filter.maxAgeDays !== undefined) conditions.push(`${AGE_DAYS} <= $${params.push(filter.maxAgeDays)}`);
  return { where: conditions.join(' AND '), params };
}
