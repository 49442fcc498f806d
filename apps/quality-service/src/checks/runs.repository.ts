import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RuleSeverity } from '../../../../libs/edit-checks/src/index.js';
import type { RunFindingResponse, RunResponse } from './dto/check-responses.js';
import type { RunTotals } from './checks.repository.js';

export interface NewRun {
  id: string;
  protocolId: string;
  /** The sites the run read; null only for a run over every site of the study. */
  siteIds: Array<string | null> | null;
  subjectId: string | null;
  datasetId: string | null;
  rulesVersion: number;
  rulesSha256: string;
  runBy: string | null;
  runByUsername: string | null;
  /** The database's clock when the run took its study (takeStudy). */
  startedAt: Date;
  totals: RunTotals;
  queriesOpened: number;
}

const RUN_COLUMNS = `id, protocol_id, site_id, site_ids, subject_id, dataset_id, rules_version, rules_sha256, run_by, run_by_username,
  started_at, finished_at, rows_checked::int AS rows_checked, subjects_checked::int AS subjects_checked,
  findings_total::int AS findings_total, findings_by_severity, findings_by_rule, queries_opened::int AS queries_opened`;

/**
 * The runs a reader may see: every run for a reader of all sites ($n null); for a site-limited
 * reader only runs that read none but their sites (a run over the whole study is not theirs).
 */
const VISIBLE_TO = (sitesParam: string) => `(${sitesParam}::text[] IS NULL OR (site_ids IS NOT NULL AND site_ids <@ ${sitesParam}::text[]))`;

/** Stored runs and their findings. `siteIds` (a site-limited reader's) hides runs that read other sites, and other sites' findings. */
@Injectable()
export class RunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One run of a study at a time: its transaction takes the study (until it ends), answering the
   * database's clock then, or null without waiting when another run holds it.
   */
  async takeStudy(db: EntityManager, protocolId: string): Promise<Date | null> {
    const [{ locked }] = await db.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`, [`quality-run:${protocolId}`]);
    if (!locked) return null;
    const [{ now }] = await db.query(`SELECT clock_timestamp() AS now`);
    return now;
  }

  /** The run's row, written last in its transaction: finished_at is the database's clock then. */
  async insert(db: EntityManager, run: NewRun): Promise<RunResponse> {
    const oneSite = run.siteIds?.length === 1 ? run.siteIds[0] : null;
    const [row] = await db.query(
      `INSERT INTO quality_runs (id, protocol_id, site_id, site_ids, subject_id, dataset_id, rules_version, rules_sha256, run_by, run_by_username,
                                 started_at, finished_at, rows_checked, subjects_checked, findings_total, findings_by_severity,
                                 findings_by_rule, queries_opened)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, clock_timestamp(), $12, $13, $14, $15, $16, $17)
       RETURNING ${RUN_COLUMNS}`,
      [
        run.id,
        run.protocolId,
        oneSite,
        run.siteIds,
        run.subjectId,
        run.datasetId,
        run.rulesVersion,
        run.rulesSha256,
        run.runBy,
        run.runByUsername,
        run.startedAt,
        run.totals.rowsChecked,
        run.totals.subjectsChecked,
        run.totals.total,
        JSON.stringify(run.totals.bySeverity),
        JSON.stringify(run.totals.byRule),
        run.queriesOpened,
      ],
    );
    return row;
  }

  async list(protocolId: string | null, siteIds: string[] | null, limit: number, offset: number): Promise<{ rows: RunResponse[]; total: number }> {
    const where = `($1::text IS NULL OR protocol_id = $1) AND ${VISIBLE_TO('$2')}`;
    const rows: RunResponse[] = await this.dataSource.query(
      `SELECT ${RUN_COLUMNS} FROM quality_runs WHERE ${where} ORDER BY started_at DESC, id LIMIT $3 OFFSET $4`,
      [protocolId, siteIds, limit, offset],
    );
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM quality_runs WHERE ${where}`, [protocolId, siteIds]);
    return { rows, total };
  }

  async find(id: string, siteIds: string[] | null): Promise<RunResponse | undefined> {
    const [row] = await this.dataSource.query(`SELECT ${RUN_COLUMNS} FROM quality_runs WHERE id = $1 AND ${VISIBLE_TO('$2')}`, [id, siteIds]);
    return row;
  }

  async findings(
    runId: string,
    filter: { rule: string | null; severity: RuleSeverity | null; siteIds: string[] | null },
    limit: number,
    offset: number,
  ): Promise<{ rows: RunFindingResponse[]; total: number }> {
    const where = `run_id = $1 AND ($2::text IS NULL OR rule_id = $2) AND ($3::text IS NULL OR severity = $3)
                   AND ($4::text[] IS NULL OR site_id = ANY($4))`;
    const params = [runId, filter.rule, filter.severity, filter.siteIds];
    const rows: RunFindingResponse[] = await this.dataSource.query(
      `SELECT id::int AS id, rule_id, severity, hard, protocol_id, site_id, subject_id, vital_sign_id, visit_name, field, value, message, query_id
         FROM quality_findings WHERE ${where} ORDER BY id LIMIT $5 OFFSET $6`,
      [...params, limit, offset],
    );
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM quality_findings WHERE ${where}`, params);
    return { rows, total };
  }
}
