import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import { JobQueue } from '../../../../libs/jobs/src/index.js';
import { STORE_DATASET_QUEUE } from './dataset-jobs.service.js';
import { DatasetsRepository } from './datasets.repository.js';

/** How often, and after how long a silence, unfinished datasets are checked against their jobs. */
const SWEEP_INTERVAL_MS = 30_000;
const SILENT_SECONDS = 60;
const QUEUE_DONE = new Set(['completed', 'cancelled', 'failed', null]);
const QUEUE_WAITING = new Set<string | null>(['created', 'retry']);

export const ABANDONED_ERROR =
  'The job ended without storing the dataset: its process stopped during the last attempt it had; nothing was stored. Generate it again.';

/** The sweep fails datasets on no one's request: its audit events name the platform itself. */
export const SWEEPER_ACTOR: AuditActor = { userId: null, username: 'system', role: null, clientAddress: null, requestId: null };

const logger = new Logger('DatasetSweeper');

/**
 * A dataset never stays queued or running forever: when the queue has given its job up (the last
 * attempt's process died, so no handler was left to say so), the dataset is marked failed. Its rows
 * were never committed: PostgreSQL rolled the dead attempt's transaction back. Runs at start-up and
 * then periodically, in every process hosting the generation service (idempotent).
 */
@Injectable()
export class DatasetSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly datasets: DatasetsRepository,
    private readonly jobs: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweepOnce(), SWEEP_INTERVAL_MS);
    this.timer.unref();
    void this.sweepOnce();
  }

  beforeApplicationShutdown(): Promise<void> | undefined {
    clearInterval(this.timer);
    return this.sweeping;
  }

  /** One pass; answers how many datasets it marked failed. */
  async sweep(silentSeconds = SILENT_SECONDS): Promise<number> {
    let failed = 0;
    for (const dataset of await this.datasets.unfinishedAndSilent(silentSeconds)) {
      const status = await this.jobs.status(STORE_DATASET_QUEUE, dataset.id);
      // Between attempts (its process died or stopped mid-load) a dataset shows queued, not a stale `running`.
      if (dataset.state === 'running' && QUEUE_WAITING.has(status)) await this.datasets.markWaiting(dataset.id, null);
      if (!QUEUE_DONE.has(status)) continue;
      if (await this.datasets.markFailed(dataset.id, ABANDONED_ERROR, SWEEPER_ACTOR)) failed += 1;
    }
    return failed;
  }

  private sweepOnce(): Promise<void> {
    this.sweeping ??= this.sweep()
      .then((failed) => {
        if (failed > 0) logger.warn(`marked ${failed} abandoned dataset(s) failed`);
      })
      .catch((error: Error) => logger.error(`sweeping unfinished datasets failed: ${error.message}`))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }
}
