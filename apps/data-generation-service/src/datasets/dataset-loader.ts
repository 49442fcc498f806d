import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, AuditService } from '../../../../libs/audit/src/index.js';
import { CacheService, liftReadTimeout } from '../../../../libs/database/src/index.js';
import type { SubjectBlock } from '../generators/dataset.js';
import { type Manifest, ManifestBuilder } from '../generators/manifest.js';
import { blocksOf, type Recipe } from '../generators/recipe.js';
import { beginBulkLoad, type BulkLoadCounts, copySubjectBlocks, finishBulkLoad } from '../storage/edc-bulk-load.js';
import { DatasetsRepository } from './datasets.repository.js';

/** Progress is recorded (and cancellation looked for) at most this often. */
const PROGRESS_INTERVAL_MS = 500;
/** Advisory-lock namespace of dataset loads: two attempts at one dataset never load at once. */
const LOAD_LOCK_NAMESPACE = 8_002;

/** The dataset was cancelled while it was being loaded: nothing of it is stored. */
export class LoadCancelledError extends Error {
  constructor() {
    super('cancelled while loading; nothing was stored');
    this.name = 'LoadCancelledError';
  }
}

/** Another attempt at the same dataset holds it (its process still alive): this one leaves it alone. */
export class LoadInProgressElsewhereError extends Error {}

export interface LoadRequest {
  datasetId: string;
  recipe: Recipe;
  actor: AuditActor;
  attempt: number;
  /** Aborted: stop, roll back. */
  signal: AbortSignal;
  /** Longest the load's statements may take (the job's own time limit). */
  timeLimitMs: number;
}

export type LoadOutcome = { stored: true; manifest: Manifest; counts: BulkLoadCounts } | { stored: false };

/**
 * Stores one dataset in the EDC, whole or not at all: one transaction on one pooled connection
 * holds the bulk-load contract's COPY (the generator streamed into it with backpressure, so memory
 * stays bounded), its checks and inserts, the dataset's one audit event and its `stored` state.
 * The event alone tells what the dataset was made from: its parameters, reference date, software
 * version, the sha256 of its stored recipe and its content hash.
 * Progress goes out on other connections, so readers see it while the transaction is open.
 */
@Injectable()
export class DatasetLoader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly datasets: DatasetsRepository,
    private readonly audit: AuditService,
    private readonly cache: CacheService,
  ) {}

  async load(request: LoadRequest): Promise<LoadOutcome> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as pg.PoolClient;
    const restoreReadTimeout = liftReadTimeout(client, request.timeLimitMs);
    try {
      await runner.startTransaction('READ COMMITTED');
      try {
        const outcome = await this.loadInTransaction(runner.manager, client, request);
        await runner.commitTransaction();
        if (outcome.stored) await this.cache.applyRecordedInvalidations();
        return outcome;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      restoreReadTimeout();
      await runner.release();
    }
  }

  private async loadInTransaction(db: EntityManager, client: pg.PoolClient, request: LoadRequest): Promise<LoadOutcome> {
    const { datasetId, recipe } = request;
    const [{ locked }] = (await db.query('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked', [LOAD_LOCK_NAMESPACE, datasetId])) as Array<{
      locked: boolean;
    }>;
    if (!locked) throw new LoadInProgressElsewhereError(`another attempt at dataset ${datasetId} is loading it`);
    if (!(await this.datasets.start(datasetId, request.attempt))) return { stored: false };

    await db.query(`SELECT set_config('ctp.actor', $1, true), set_config('statement_timeout', $2, true)`, [
      JSON.stringify(request.actor),
      String(request.timeLimitMs),
    ]);
    const manifest = new ManifestBuilder(recipe);
    await beginBulkLoad(client);
    await copySubjectBlocks(client, this.watched(datasetId, blocksOf(recipe), manifest, request.signal));
    request.signal.throwIfAborted();
    const counts = await finishBulkLoad(client, datasetId, recipe.parameters.protocol_id);
    const finished = manifest.finish();
    // Of the recipe's text as stored (json keeps it byte for byte; the row's guard keeps it unchanged).
    const [{ recipe_sha256: recipeSha256 }] = (await db.query(
      `SELECT 'sha256:' || encode(sha256(convert_to(recipe::text, 'UTF8')), 'hex') AS recipe_sha256 FROM generation_datasets WHERE id = $1`,
      [datasetId],
    )) as Array<{ recipe_sha256: string }>;
    await this.audit.record(db, request.actor, [
      {
        action: 'generate',
        entityType: 'dataset',
        entityId: datasetId,
        changes: {
          content_hash: { old: null, new: finished.content_hash },
          recipe_sha256: { old: null, new: recipeSha256 },
          method: { old: null, new: recipe.method },
          seed: { old: null, new: recipe.parameters.seed },
          reference_date: { old: null, new: finished.reference_date },
          software_version: { old: null, new: finished.software_version },
          parameters: { old: null, new: recipe.parameters },
          protocol_id: { old: null, new: recipe.parameters.protocol_id },
          subjects: { old: null, new: counts.subjects },
          vital_signs: { old: null, new: counts.vitalSigns },
          adverse_events: { old: null, new: counts.adverseEvents },
          not_storable_records: { old: null, new: finished.counts.not_storable_records },
        },
      },
    ]);
    const marked = await this.datasets.markStored(db, datasetId, {
      manifest: finished as unknown as Record<string, unknown>,
      contentHash: finished.content_hash,
      rows: counts.vitalSigns,
      subjects: counts.subjects,
    });
    if (!marked) throw new LoadCancelledError();
    return { stored: true, manifest: finished, counts };
  }

  /**
   * The blocks on their way to the COPY: each fed to the manifest; between blocks, progress
   * recorded on another connection, and the load stopped when the dataset was cancelled or the
   * job's signal aborted.
   */
  private async *watched(datasetId: string, blocks: Iterable<SubjectBlock>, manifest: ManifestBuilder, signal: AbortSignal): AsyncGenerator<SubjectBlock> {
    let subjects = 0;
    let records = 0;
    let reportedAt = Date.now();
    for (const block of blocks) {
      signal.throwIfAborted();
      manifest.add(block);
      yield block;
      subjects += 1;
      records += block.records.length - block.unstorable.length;
      if (Date.now() - reportedAt >= PROGRESS_INTERVAL_MS) {
        if (!(await this.datasets.progress(datasetId, records, subjects))) throw new LoadCancelledError();
        reportedAt = Date.now();
      }
    }
    if (!(await this.datasets.progress(datasetId, records, subjects))) throw new LoadCancelledError();
  }
}
