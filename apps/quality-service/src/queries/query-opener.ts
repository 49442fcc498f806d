import { ConflictException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../../../../libs/audit/src/index.js';

/**
 * The temporary table a run writes its findings into before they are stored (its columns:
 * rule_id, severity, hard, protocol_id, site_id, subject_id, patient_id, vital_sign_id, row_index,
 * visit_name, field, value, message), dropped at commit.
 */
export const RUN_FINDINGS_TABLE = 'quality_run_findings';

const NO_VITAL = `'00000000-0000-0000-0000-000000000000'::uuid`;

/** The data point key (quality_queries_one_open_idx, quality_queries_data_point_idx) of a row `t`, the value by its md5. */
const keyOf = (t: string) => `${t}.protocol_id, ${t}.subject_id, coalesce(${t}.visit_name, ''), coalesce(${t}.field, ''),
  md5(coalesce(${t}.value, '')), coalesce(${t}.rule_id, ''), coalesce(${t}.vital_sign_id, ${NO_VITAL})`;
const FINDING_KEY = keyOf('f');

/** A query `q` on the same data point as the finding `f` (the same key, and the same value itself). */
const SAME_DATA_POINT = `
  q.protocol_id = f.protocol_id AND q.subject_id = f.subject_id
  AND coalesce(q.visit_name, '') = coalesce(f.visit_name, '') AND coalesce(q.field, '') = coalesce(f.field, '')
  AND md5(coalesce(q.value, '')) = md5(coalesce(f.value, '')) AND coalesce(q.value, '') = coalesce(f.value, '')
  AND coalesce(q.rule_id, '') = coalesce(f.rule_id, '') AND coalesce(q.vital_sign_id, ${NO_VITAL}) = coalesce(f.vital_sign_id, ${NO_VITAL})`;

/** A data point that has a query in any status: a closed or cancelled query is not opened again for the same value. */
const HAS_QUERY = `EXISTS (SELECT 1 FROM quality_queries q WHERE ${SAME_DATA_POINT})`;

/**
 * Opens one query per data point a run's findings name, unless the data point has a query in any
 * status (open, answered, closed or cancelled: a value confirmed correct is not queried again,
 * while a corrected value is another data point), then stores the findings, each linked to its
 * query: the one this run opened, else the open (or answered) one, else the latest opened. With
 * each new query its 'opened' message and audit event: a constant number of statements whatever
 * the number of findings, all in the caller's transaction. Findings and runs are insert-only
 * records, so the findings are stored here, once their queries exist, and the run's row after them.
 */
@Injectable()
export class QueryOpener {
  /** How many queries the findings in RUN_FINDINGS_TABLE would open now. */
  async countToOpen(db: EntityManager): Promise<number> {
    const [row] = await db.query(
      `SELECT count(*)::int AS count
         FROM (SELECT DISTINCT ${FINDING_KEY} FROM ${RUN_FINDINGS_TABLE} f WHERE NOT ${HAS_QUERY}) k`,
    );
    return row.count as number;
  }

  /**
   * Answers how many queries were opened. `expected` (from countToOpen) guards the run's stored
   * count: when a concurrent change opened one of these queries meanwhile, the run is refused (409)
   * rather than stored with a wrong count.
   */
  async openFromRun(db: EntityManager, runId: string, actor: AuditActor, expected?: number): Promise<number> {
    const [opened] = await db.query(
      `WITH candidates AS (
         SELECT DISTINCT ON (${FINDING_KEY}) f.protocol_id, f.site_id, f.subject_id, f.patient_id, f.vital_sign_id, f.visit_name,
                f.field, f.value, f.rule_id, f.severity, f.message
           FROM ${RUN_FINDINGS_TABLE} f
          WHERE NOT ${HAS_QUERY}
          ORDER BY ${FINDING_KEY}, f.severity, f.message),
       opened AS (
         INSERT INTO quality_queries (protocol_id, site_id, subject_id, patient_id, vital_sign_id, visit_name, field, value, rule_id,
                                      severity, message, status, origin, run_id, opened_by, opened_by_username)
         SELECT c.protocol_id, c.site_id, c.subject_id, c.patient_id, c.vital_sign_id, c.visit_name, c.field, c.value, c.rule_id,
                c.severity, c.message, 'open', 'run', $1::uuid, $2::uuid, $3::text
           FROM candidates c
         ON CONFLICT DO NOTHING
         RETURNING id, protocol_id, site_id, subject_id, visit_name, field, value, rule_id, severity, message),
       messages AS (
         INSERT INTO quality_query_messages (query_id, kind, body, status_after, author_id, author_username)
         SELECT o.id, 'opened', o.message, 'open', $2::uuid, $3::text FROM opened o),
       audited AS (
         INSERT INTO audit_events (user_id, username, role, client_address, request_id, action, entity_type, entity_id, subject, changes)
         SELECT $2::uuid, $3::text, $4::text, $5::text, $6::text, 'open', 'quality_query', o.id::text, o.subject_id,
                jsonb_build_object(
                  'status', jsonb_build_object('old', NULL, 'new', 'open'),
                  'origin', jsonb_build_object('old', NULL, 'new', 'run'),
                  'run_id', jsonb_build_object('old', NULL, 'new', $1::uuid::text),
                  'protocol_id', jsonb_build_object('old', NULL, 'new', o.protocol_id),
                  'site_id', jsonb_build_object('old', NULL, 'new', o.site_id),
                  'visit_name', jsonb_build_object('old', NULL, 'new', o.visit_name),
                  'field', jsonb_build_object('old', NULL, 'new', o.field),
                  'value', jsonb_build_object('old', NULL, 'new', o.value),
                  'rule_id', jsonb_build_object('old', NULL, 'new', o.rule_id),
                  'severity', jsonb_build_object('old', NULL, 'new', o.severity))
           FROM opened o)
       SELECT count(*)::int AS count FROM opened`,
      [runId, actor.userId, actor.username, actor.role, actor.clientAddress, actor.requestId],
    );
    const count = opened.count as number;
    if (expected !== undefined && count !== expected) {
      throw new ConflictException('Queries on these data points were opened by someone else while the checks ran: run the checks again');
    }
    // Each finding's query: the open (or answered) one if any (this run's are open), else the latest opened.
    await db.query(
      `INSERT INTO quality_findings (run_id, rule_id, severity, hard, protocol_id, site_id, subject_id, patient_id, vital_sign_id,
                                     visit_name, field, value, message, query_id)
       SELECT $1::uuid, f.rule_id, f.severity, f.hard, f.protocol_id, f.site_id, f.subject_id, f.patient_id, f.vital_sign_id,
              f.visit_name, f.field, f.value, f.message, q.id
         FROM ${RUN_FINDINGS_TABLE} f
         LEFT JOIN (SELECT DISTINCT ON (${keyOf('q')}, coalesce(q.value, ''))
                           q.id, q.protocol_id, q.subject_id, q.visit_name, q.field, q.value, q.rule_id, q.vital_sign_id
                      FROM quality_queries q
                     WHERE q.protocol_id IN (SELECT DISTINCT protocol_id FROM ${RUN_FINDINGS_TABLE})
                     ORDER BY ${keyOf('q')}, coalesce(q.value, ''),
                              q.status IN ('open', 'answered') DESC, q.opened_at DESC, q.id DESC) q
           ON ${SAME_DATA_POINT}`,
      [runId],
    );
    return count;
  }
}
