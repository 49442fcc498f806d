import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RuleSeverity } from '../../../../libs/edit-checks/src/index.js';
import type { RunFindingResponse, RunResponse } from './dto/check-responses.js';
import type { RunTotals } from './checks.repository.js';

export interface NewRun {
  protocolId: string;
  siteId: string | null;
  subjectId: string | null;
  datasetId: string | null;
  rulesVersion: number;
  runBy: string | null;
  runByUsername: string | null;
  startedAt: Date;
  totals: RunTotals;
  queriesOpened: number;
}

const RUN_COLUMNS = `id, protocol_id, site_id, subject_id, dataset_id, rules_version, run_by, run_by_username, started_at, finished_at,
  rows_checked::int AS rows_checked, subjects_checked::int AS subjects_checked, findings_total::int AS findings_total,
  findings_by_severity, findings_by_rule, queries_opened::int AS queries_opened`;

/** Stored runs and their findings. `siteIds` (a site-limited reader's) hides runs scoped to other sites, and other sites' findings. */
@Injectable()
export class RunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(db: EntityManager, run: NewRun): Promise<RunResponse> {
    const [row] = await db.query(
      `INSERT INTO quality_runs (protocol_id, site_id, subject_id, dataset_id, rules_version, run_by, run_by_username, started_at,
                                 finished_at, rows_checked, subjects_checked, findings_total, findings_by_severity, findings_by_rule,
                                 queries_opened)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp(), $9, $10, $11, $12, $13, $14)
       RETURNING ${RUN_COLUMNS}`,
      [
        run.protocolId,
        run.siteId,
        run.subjectId,
        run.datasetId,
        run.rulesVersion,
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
    const where = `($1::text IS NULL OR protocol_id = $1) AND ($2::text[] IS NULL OR site_id IS NULL OR site_id = ANY($2))`;
    const rows: RunResponse[] = await this.dataSource.query(
      `SELECT ${RUN_COLUMNS} FROM quality_runs WHERE ${where} ORDER BY started_at DESC, id LIMIT $3 OFFSET $4`,
      [protocolId, siteIds, limit, offset],
    );
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM quality_runs WHERE ${where}`, [protocolId, siteIds]);
    return { rows, total };
  }

  async find(id: string, siteIds: string[] | null): Promise<RunResponse | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT ${RUN_COLUMNS} FROM quality_runs WHERE id = $1 AND ($2::text[] IS NULL OR site_id IS NULL OR site_id = ANY($2))`,
      [id, siteIds],
    );
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
