import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobQueue, type QueueSettings, type RunningJob } from '../../../../libs/jobs/src/index.js';
import type { Recipe } from '../generators/recipe.js';
import { FINISHED_STATES } from './dataset.row.js';
import { STORE_DATASET_QUEUE, type StoreDatasetJob } from './dataset-jobs.service.js';
import { DatasetLoader, LoadCancelledError, LoadInProgressElsewhereError } from './dataset-loader.js';
import { DatasetsRepository } from './datasets.repository.js';

/**
 * A job whose process dies is retried from the start (generation is deterministic, and the dead
 * attempt's transaction was rolled back by PostgreSQL) once its heartbeat has been silent this long.
 */
export const STORE_DATASET_SETTINGS: QueueSettings = { retryLimit: 2, heartbeatSeconds: 15, expireInSeconds: 3_600 };

/** SQLSTATE classes worth another attempt: the connection, a conflict, resources, the server stopping, a lock. */
const TRANSIENT_SQLSTATE = /^(08|40|53|55|57|58)/;

const logger = new Logger('DatasetStoreWorker');

/** Takes store jobs in every process that hosts the generation service (all-in-one, or each split-mode generation process). */
@Injectable()
export class DatasetStoreWorker implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    private readonly datasets: DatasetsRepository,
    private readonly loader: DatasetLoader,
  ) {}

  onModuleInit(): void {
    this.jobs.work<StoreDatasetJob>({ queue: STORE_DATASET_QUEUE, settings: STORE_DATASET_SETTINGS, concurrency: 1, handle: (job) => this.handle(job) });
  }

  async handle(job: RunningJob<StoreDatasetJob>): Promise<void> {
    const id = job.data.dataset_id;
    const row = await this.datasets.find(id);
    if (!row || FINISHED_STATES.includes(row.state)) return;
    try {
      await this.loader.load({
        datasetId: id,
        recipe: row.recipe as Recipe,
        actor: row.actor,
        attempt: job.attempt,
        signal: job.signal,
        timeLimitMs: STORE_DATASET_SETTINGS.expireInSeconds * 1_000,
      });
    } catch (error) {
      if (error instanceof LoadCancelledError || error instanceof LoadInProgressElsewhereError) return;
      if (job.signal.aborted) {
        // Stopped from outside: the process is stopping (the dataset waits for the next attempt), or
        // the queue gave this attempt up (another may be running it: its row is not touched).
        if (job.signal.reason instanceof JobQueue.SHUTDOWN) await this.datasets.markWaiting(id, null);
        throw error;
      }
      if (worthRetrying(error) && !job.lastAttempt) {
        logger.warn(`dataset ${id}: attempt ${job.attempt} failed, another follows: ${(error as Error).message}`);
        await this.datasets.markWaiting(id, `attempt ${job.attempt} failed (${(error as Error).message}); another attempt follows`);
        throw error;
      }
      await this.datasets.markFailed(id, readableError(error));
    }
  }
}

function worthRetrying(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return TRANSIENT_SQLSTATE.test(code) || code.startsWith('ECONN');
  return /Connection terminated|Query read timeout/i.test((error as Error).message ?? '');
}

/** The EDC contract's refusals (SQLSTATE CT4xx) are written for people: kept as they are. */
function readableError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('CT')) return message;
  return `Storing the dataset failed: ${message}; nothing was stored.`;
}
