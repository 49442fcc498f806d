import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import type { GenerationMethod } from '../generators/dataset.js';
import type { DatasetRow } from './dataset.row.js';
import { visibleToSites } from './dataset-visibility.js';

export interface NewDataset {
  id: string;
  protocolId: string;
  method: GenerationMethod;
  recipe: unknown;
  actor: AuditActor;
  rowsTotal: number;
  subjectsTotal: number;
}

export interface StoredResult {
  manifest: Record<string, unknown>;
  contentHash: string;
  rows: number;
  subjects: number;
}

const UNFINISHED = `state IN ('queued', 'running')`;

/**
 * `generation_datasets`: the state of each stored dataset. Progress and state changes run on
 * connections of their own (visible at once, whatever the loading transaction does); only the
 * final `stored` runs inside the loading transaction, so a dataset reads stored exactly when its rows are.
 */
@Injectable()
export class DatasetsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(dataset: NewDataset, db: EntityManager = this.dataSource.manager): Promise<DatasetRow> {
    const [row] = (await db.query(
      `INSERT INTO generation_datasets (id, protocol_id, method, recipe, actor, rows_total, subjects_total)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [dataset.id, dataset.protocolId, dataset.method, JSON.stringify(dataset.recipe), JSON.stringify(dataset.actor), dataset.rowsTotal, dataset.subjectsTotal],
    )) as DatasetRow[];
    return row;
  }

  async find(id: string): Promise<DatasetRow | null> {
    const rows = (await this.dataSource.query(`SELECT * FROM generation_datasets WHERE id = $1`, [id])) as DatasetRow[];
    return rows[0] ?? null;
  }

  /** Newest first; `siteIds`: only the datasets a user limited to these sites may see (null: all). */
  async list(limit: number, offset: number, siteIds: string[] | null): Promise<{ rows: DatasetRow[]; total: number }> {
    const rows = (await this.dataSource.query(
      `SELECT d.*, count(*) OVER () AS total FROM generation_datasets d WHERE ${visibleToSites('$3')}
        ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`,
      [limit, offset, siteIds],
    )) as Array<DatasetRow & { total: string }>;
    const total =
      rows.length > 0
        ? Number(rows[0].total)
        : Number((await this.dataSource.query(`SELECT count(*) AS n FROM generation_datasets d WHERE ${visibleToSites('$1')}`, [siteIds]))[0].n);
    return { rows: rows.map(({ total: _total, ...row }) => row), total };
  }

  /** Starts an attempt (the first, or again after a process died); false when the dataset is no longer to be made. */
  async start(id: string, attempt: number): Promise<boolean> {
    const started = await this.dataSource.query(
      `UPDATE generation_datasets
          SET state = 'running', attempts = $2, started_at = now(), heartbeat_at = now(), rows_written = 0, subjects_written = 0, error = NULL
        WHERE id = $1 AND ${UNFINISHED} RETURNING id`,
      [id, attempt],
    );
    return (started as unknown[][])[0].length > 0;
  }

  /** Records progress; false when the dataset was cancelled meanwhile (or is otherwise no longer running). */
  async progress(id: string, rows: number, subjects: number): Promise<boolean> {
    const updated = await this.dataSource.query(
      `UPDATE generation_datasets SET rows_written = $2, subjects_written = $3, heartbeat_at = now()
        WHERE id = $1 AND state = 'running' RETURNING id`,
      [id, rows, subjects],
    );
    return (updated as unknown[][])[0].length > 0;
  }

  /** In the loading transaction: false when the dataset was cancelled before it could commit. */
  async markStored(db: EntityManager, id: string, result: StoredResult): Promise<boolean> {
    const updated = await db.query(
      `UPDATE generation_datasets
          SET state = 'stored', manifest = $2, content_hash = $3, rows_written = $4, rows_total = $4, subjects_written = $5,
              finished_at = clock_timestamp(), heartbeat_at = clock_timestamp(), error = NULL
        WHERE id = $1 AND state = 'running' RETURNING id`,
      [id, JSON.stringify(result.manifest), result.contentHash, result.rows, result.subjects],
    );
    return (updated as unknown[][])[0].length > 0;
  }

  /** Nothing of it was stored; `error` says why, for people. */
  async markFailed(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE generation_datasets SET state = 'failed', error = $2, rows_written = 0, subjects_written = 0, finished_at = now()
        WHERE id = $1 AND ${UNFINISHED}`,
      [id, error],
    );
  }

  /** The attempt stopped (its process stopping, or an error worth another try): the dataset waits for the next one. */
  async markWaiting(id: string, error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE generation_datasets SET state = 'queued', error = $2, rows_written = 0, subjects_written = 0
        WHERE id = $1 AND state = 'running'`,
      [id, error],
    );
  }

  /** Cancels an unfinished dataset; null when it had already finished (or does not exist). */
  async cancel(id: string): Promise<DatasetRow | null> {
    const rows = (await this.dataSource.query(
      `UPDATE generation_datasets SET state = 'cancelled', rows_written = 0, subjects_written = 0, finished_at = now()
        WHERE id = $1 AND ${UNFINISHED} RETURNING *`,
      [id],
    )) as [DatasetRow[], number];
    return rows[0][0] ?? null;
  }

  /** Unfinished datasets whose job may have ended without saying so: queued or silent longer than `silentSeconds`. */
  async unfinishedAndSilent(silentSeconds: number): Promise<Array<Pick<DatasetRow, 'id' | 'state'>>> {
    return (await this.dataSource.query(
      `SELECT id, state FROM generation_datasets
        WHERE ${UNFINISHED} AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => $1)`,
      [silentSeconds],
    )) as Array<Pick<DatasetRow, 'id' | 'state'>>;
  }
}
