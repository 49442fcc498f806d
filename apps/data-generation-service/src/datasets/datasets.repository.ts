import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, AuditService } from '../../../../libs/audit/src/index.js';
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

/** Audit action of a dataset marked failed (nothing of it stored); the reason is in its changes. */
export const FAILED_ACTION = 'generate_failed';
/** Audit action of a dataset cancelled by a user. */
export const CANCEL_ACTION = 'cancel';

/**
 * `generation_datasets`: the state of each stored dataset. Progress and state changes run on
 * connections of their own (visible at once, whatever the loading transaction does); only the
 * final `stored` runs inside the loading transaction, so a dataset reads stored exactly when its rows are.
 * A dataset that fails or is cancelled is audited in the transaction that says so (a stored one by
 * the loader, with its content hash).
 */
@Injectable()
export class DatasetsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

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

  /**
   * Nothing of it was stored; `error` says why, for people. Audited in the same transaction in the
   * name of `actor`, by default the dataset's requester (whose request it was that failed). False
   * when the dataset had finished already (nothing changed, nothing audited).
   */
  async markFailed(id: string, error: string, actor?: AuditActor): Promise<boolean> {
    return this.dataSource.transaction(async (db) => {
      const before = await this.lockedUnfinished(db, id);
      if (!before) return false;
      await db.query(
        `UPDATE generation_datasets SET state = 'failed', error = $2, rows_written = 0, subjects_written = 0, finished_at = now() WHERE id = $1`,
        [id, error],
      );
      await this.audit.record(db, actor ?? before.actor, [
        { action: FAILED_ACTION, entityType: 'dataset', entityId: id, changes: { state: { old: before.state, new: 'failed' }, error: { old: before.error, new: error } } },
      ]);
      return true;
    });
  }

  /** The attempt stopped (its process stopping, or an error worth another try): the dataset waits for the next one. */
  async markWaiting(id: string, error: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE generation_datasets SET state = 'queued', error = $2, rows_written = 0, subjects_written = 0
        WHERE id = $1 AND state = 'running'`,
      [id, error],
    );
  }

  /**
   * Cancels an unfinished dataset in `actor`'s name (recorded on the row and audited, in one
   * transaction); null when it had already finished (or does not exist).
   */
  async cancel(id: string, actor: AuditActor): Promise<DatasetRow | null> {
    return this.dataSource.transaction(async (db) => {
      const before = await this.lockedUnfinished(db, id);
      if (!before) return null;
      const [[row]] = (await db.query(
        `UPDATE generation_datasets SET state = 'cancelled', cancelled_by = $2, rows_written = 0, subjects_written = 0, finished_at = now()
          WHERE id = $1 RETURNING *`,
        [id, JSON.stringify(actor)],
      )) as [DatasetRow[], number];
      await this.audit.record(db, actor, [{ action: CANCEL_ACTION, entityType: 'dataset', entityId: id, changes: { state: { old: before.state, new: 'cancelled' } } }]);
      return row;
    });
  }

  /** The unfinished dataset, locked until the transaction ends (so its state cannot change meanwhile); null when finished or absent. */
  private async lockedUnfinished(db: EntityManager, id: string): Promise<Pick<DatasetRow, 'state' | 'actor' | 'error'> | null> {
    const rows = (await db.query(`SELECT state, actor, error FROM generation_datasets WHERE id = $1 AND ${UNFINISHED} FOR UPDATE`, [id])) as Array<
      Pick<DatasetRow, 'state' | 'actor' | 'error'>
    >;
    return rows[0] ?? null;
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
