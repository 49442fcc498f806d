import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RUN_FINDINGS_TABLE } from '../queries/query-opener.js';
import { type BatchRow, batchRelation, type FindingRow, findingsSql, type RuleLibrary, type RuleSeverity, SqlParams, type StoredScope, storedRelation } from '../../../../libs/edit-checks/src/index.js';

export interface StoredFindings {
  recordsChecked: number;
  total: number;
  bySeverity: Record<RuleSeverity, number>;
  findings: FindingRow[];
}

export interface RunTotals {
  rowsChecked: number;
  subjectsChecked: number;
  total: number;
  bySeverity: Record<RuleSeverity, number>;
  byRule: Record<string, number>;
  /** The sites of the vitals read, sorted (a subject without a site gives null). */
  sitesRead: Array<string | null>;
}

const FINDING_ORDER = 'row_index NULLS LAST, subject_id, visit_name NULLS LAST, rule_id, vital_sign_id';
const SEVERITY_COUNTS = `jsonb_build_object('critical', count(*) FILTER (WHERE severity = 'critical'),
                                             'major', count(*) FILTER (WHERE severity = 'major'),
                                             'minor', count(*) FILTER (WHERE severity = 'minor'))`;

/** The checks' set-based SQL: findings of a batch, of stored data, and a run's findings into a temporary table. */
@Injectable()
export class ChecksRepository {
  /**
   * For the rest of the transaction: no JIT compilation (seconds of compiling for a statement of a
   * dozen SELECTs, more than it saves) and room for the per-subject sorts in memory.
   */
  async tuneForLargeReads(db: EntityManager): Promise<void> {
    await db.query(`SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)`);
  }

  async studyExists(db: EntityManager, protocolId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM edc_studies WHERE protocol_id = $1`, [protocolId]);
    return rows.length > 0;
  }

  /** The subject's site (null: none); undefined when the study has no such subject. */
  async subjectSite(db: EntityManager, protocolId: string, subjectId: string): Promise<string | null | undefined> {
    const rows: Array<{ site_id: string | null }> = await db.query(
      `SELECT site_id::text AS site_id FROM edc_subjects WHERE protocol_id = $1 AND subject_number = $2`,
      [protocolId, subjectId],
    );
    return rows.length > 0 ? rows[0].site_id : undefined;
  }

  async batchFindings(db: EntityManager, rows: readonly BatchRow[], libraries: readonly RuleLibrary[]): Promise<FindingRow[]> {
    const params = new SqlParams();
    const sql = findingsSql(batchRelation(params, rows), libraries, params);
    return db.query(`${sql} ORDER BY ${FINDING_ORDER}`, params.values);
  }

  /** Findings over stored data, the first `limit` of them with the totals: the rules evaluated once. */
  async storedFindings(db: EntityManager, scope: StoredScope, libraries: readonly RuleLibrary[], limit: number): Promise<StoredFindings> {
    const params = new SqlParams();
    const sql = findingsSql(storedRelation(params, scope), libraries, params);
    const [row] = await db.query(
      `WITH f AS MATERIALIZED (${sql})
       SELECT (SELECT count(*)::int FROM f) AS total,
              (SELECT ${SEVERITY_COUNTS} FROM f) AS by_severity,
              (SELECT coalesce(jsonb_agg(to_jsonb(shown) ORDER BY ${FINDING_ORDER}), '[]'::jsonb)
                 FROM (SELECT * FROM f ORDER BY ${FINDING_ORDER} LIMIT ${params.add(limit, 'integer')}) shown) AS findings`,
      params.values,
    );
    const countParams = new SqlParams();
    const [checked] = await db.query(`SELECT count(*)::int AS count FROM (${storedRelation(countParams, scope)}) r`, countParams.values);
    return { recordsChecked: checked.count, total: row.total, bySeverity: row.by_severity, findings: row.findings };
  }

  /**
   * A run's findings computed in the database into RUN_FINDINGS_TABLE (dropped at commit), the
   * scope's vitals first copied once into a temporary checked_vitals that every rule reads.
   */
  async computeRun(db: EntityManager, scope: StoredScope, library: RuleLibrary): Promise<RunTotals> {
    await this.tuneForLargeReads(db);
    const relationParams = new SqlParams();
    await db.query(`CREATE TEMPORARY TABLE checked_vitals ON COMMIT DROP AS ${storedRelation(relationParams, scope)}`, relationParams.values);
    await db.query(`ANALYZE checked_vitals`);
    const params = new SqlParams();
    await db.query(`CREATE TEMPORARY TABLE ${RUN_FINDINGS_TABLE} ON COMMIT DROP AS ${findingsSql(null, [library], params)}`, params.values);
    const [totals] = await db.query(
      `SELECT (SELECT count(*)::int FROM checked_vitals) AS rows_checked,
              (SELECT count(DISTINCT subject_id)::int FROM checked_vitals) AS subjects_checked,
              (SELECT coalesce(array_agg(DISTINCT site_id ORDER BY site_id), '{}') FROM checked_vitals) AS sites_read,
              count(*)::int AS total, ${SEVERITY_COUNTS} AS by_severity,
              coalesce((SELECT jsonb_object_agg(rule_id, n) FROM (SELECT rule_id, count(*)::int AS n FROM ${RUN_FINDINGS_TABLE} GROUP BY rule_id) r),
                       '{}'::jsonb) AS by_rule
         FROM ${RUN_FINDINGS_TABLE}`,
    );
    return {
      rowsChecked: totals.rows_checked,
      subjectsChecked: totals.subjects_checked,
      total: totals.total,
      bySeverity: totals.by_severity,
      byRule: totals.by_rule,
      sitesRead: totals.sites_read,
    };
  }
}

