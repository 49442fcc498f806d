import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type JobWithMetadata, PgBoss } from 'pg-boss';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../../config/src/index.js';
import { JOB_QUEUE_SCHEMA } from '../../../database/migrations/1765100000000-generation-datasets.js';
import { OutageLog } from './outage-log.js';
import { PlatformPoolDatabase } from './platform-pool-database.js';
import { assertJobQueueSchemaVersion } from './schema-version.js';

/** How a queue's jobs are retried and watched. */
export interface QueueSettings {
  /**
   * Attempts after the first: a job whose process died, or that failed, runs again from the start.
   * An attempt stopped by a graceful shutdown is not counted: the job waits for the next process.
   */
  retryLimit: number;
  /** A running job's process proves it is alive this often; silent for this long, the job is retried (at least 10). */
  heartbeatSeconds: number;
  /** Longest a single attempt may run. */
  expireInSeconds: number;
}

/** One attempt at a job, as its handler sees it. */
export interface RunningJob<T> {
  id: string;
  data: T;
  /** 1 for the first attempt; attempts stopped by a graceful shutdown count here, but not against the limit. */
  attempt: number;
  /** No retry follows this attempt if it fails. */
  lastAttempt: boolean;
  /**
   * Aborted when the attempt must stop: the process is shutting down (reason `JobQueue.SHUTDOWN`),
   * or the queue no longer counts this process as running it (heartbeat lost, expired).
   */
  signal: AbortSignal;
}

export interface JobWorker<T> {
  queue: string;
  settings: QueueSettings;
  /** Jobs one process runs at once. */
  concurrency: number;
  /** Resolves: done. Throws: the attempt failed (retried while attempts remain). */
  handle(job: RunningJob<T>): Promise<void>;
}

export type JobStatus = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/** Why a handler's signal was aborted when the process stops. */
class ShutdownReason extends Error {
  constructor() {
    super('the process is shutting down; the job goes back to the queue for the next process to take it');
    this.name = 'ShutdownReason';
  }
}

const logger = new Logger('JobQueue');

/** How often a quiet spell ends an outage report, or a summary falls due (see OutageLog). */
const OUTAGE_TICK_MS = 5_000;

/** One attempt running in this process, as the queue knows it (its attempt fence). */
interface ClaimedJob {
  queue: string;
  id: string;
  retryCount: number;
}

/**
 * The platform's background jobs: pg-boss on the platform's own PostgreSQL and connection pool,
 * so jobs survive restarts, run on the embedded default, and are taken by any process that hosts
 * the worker (split mode: every data-generation process). Started once the application has
 * bootstrapped; stopped before the database closes, within the shutdown deadline.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  static readonly SHUTDOWN = ShutdownReason;

  private readonly boss: PgBoss;
  private readonly workers: Array<JobWorker<never>> = [];
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private readonly claimed = new Set<ClaimedJob>();
  private readonly db: PlatformPoolDatabase;
  private readonly outage = new OutageLog();
  private outageTimer?: NodeJS.Timeout;
  private started?: Promise<void>;

  constructor(
    dataSource: DataSource,
    private readonly config: PlatformConfig,
  ) {
    this.db = new PlatformPoolDatabase(dataSource);
    this.boss = new PgBoss({
      db: this.db,
      schema: JOB_QUEUE_SCHEMA,
      // The schema is the owner's (a migration made it); the runtime role only reads and writes rows.
      migrate: false,
      createSchema: false,
      reindex: false,
      schedule: false,
      registerInstance: false,
      // A job whose process died is noticed within a heartbeat plus this.
      superviseIntervalSeconds: 5,
      monitorIntervalSeconds: 5,
    });
    // While the database is down every poll and supervision pass fails: a few lines, not one per failure.
    this.boss.on('error', (error: Error) => this.logOutage(this.outage.error(error.message, Date.now())));
    this.boss.on('warning', (warning: { message: string }) => logger.warn(`job queue: ${warning.message}`));
  }

  /** Registers a worker (from a provider's constructor or onModuleInit): it starts taking jobs with the queue. */
  work<T>(worker: JobWorker<T>): void {
    this.workers.push(worker as unknown as JobWorker<never>);
  }

  onApplicationBootstrap(): Promise<void> {
    this.started ??= this.start();
    return this.started;
  }

  /** Sends a job; `id` (a UUID) becomes the job's id, so callers may name it after what it makes. */
  async send<T extends object>(queue: string, data: T, id: string): Promise<string> {
    await this.onApplicationBootstrap();
    const sent = await this.boss.send(queue, data, { id });
    if (sent === null) throw new Error(`job ${id} was not queued on ${queue} (a job with that id exists)`);
    return sent;
  }

  /** A job that has not started never will; a running one is told to stop at its next check. */
  async cancel(queue: string, id: string): Promise<void> {
    await this.onApplicationBootstrap();
    await this.boss.cancel(queue, id);
  }

  /** The queue's own state of a job; null once the queue has forgotten it (jobs are kept 7 days after they end). */
  async status(queue: string, id: string): Promise<JobStatus | null> {
    await this.onApplicationBootstrap();
    const [job] = await this.boss.findJobs(queue, { id });
    return job?.state ?? null;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    clearInterval(this.outageTimer);
    await this.handBack();
    this.stopping.abort(new ShutdownReason());
    // Handlers stop at their next check and roll back; a fraction of the shutdown deadline is left for the rest.
    const grace = Math.max(1_000, Math.floor(this.config.SHUTDOWN_TIMEOUT_MS / 3));
    const stopped = this.boss.stop({ graceful: true, timeout: grace, close: false }).catch((error: Error) => logger.error(`job queue did not stop cleanly: ${error.message}`));
    // Bounded even when the database does not answer: the rest of the shutdown (and its deadline) goes on.
    await Promise.race([Promise.allSettled([stopped, ...this.running]), new Promise((resolve) => setTimeout(resolve, 2 * grace).unref())]);
  }

  private async start(): Promise<void> {
    await assertJobQueueSchemaVersion(this.db, JOB_QUEUE_SCHEMA);
    await this.boss.start();
    this.outageTimer = setInterval(() => this.logOutage(this.outage.tick(Date.now())), OUTAGE_TICK_MS);
    this.outageTimer.unref();
    for (const worker of this.workers) {
      await this.boss.createQueue(worker.queue, { ...worker.settings, policy: 'standard' });
      // createQueue leaves an existing queue as it was: settings changed since apply from this start on.
      await this.boss.updateQueue(worker.queue, { ...worker.settings });
      await this.boss.work(
        worker.queue,
        { includeMetadata: true, batchSize: 1, localConcurrency: worker.concurrency, pollingIntervalSeconds: 1 },
        async ([job]: Array<JobWithMetadata<never>>) => this.run(worker, job),
      );
    }
  }

  /**
   * Attempts stopped by this shutdown are not charged to their jobs: each still-claimed job gets one
   * more attempt in its limit, fenced to this process's claim (pg-boss's own attempt fence: the same
   * id, retry count and active state), before its handler is told to stop and pg-boss fails the
   * attempt back to the queue. pg-boss has no public call for it, hence the statement on its table.
   */
  private async handBack(): Promise<void> {
    const claims = [...this.claimed];
    if (claims.length === 0) return;
    try {
      await this.db.executeSql(
        `UPDATE ${JOB_QUEUE_SCHEMA}.job j SET retry_limit = j.retry_limit + 1
          FROM unnest($1::text[], $2::uuid[], $3::int[]) AS c(name, id, retry_count)
          WHERE j.name = c.name AND j.id = c.id AND j.retry_count = c.retry_count AND j.state = 'active'`,
        [claims.map((claim) => claim.queue), claims.map((claim) => claim.id), claims.map((claim) => claim.retryCount)],
      );
    } catch (error) {
      logger.warn(`job queue: the ${claims.length} job(s) stopped by this shutdown are counted as failed attempts (${(error as Error).message})`);
    }
  }

  private logOutage(line: ReturnType<OutageLog['tick']>): void {
    if (line?.level === 'error') logger.error(`job queue: ${line.message}`);
    else if (line) logger.log(`job queue: ${line.message}`);
  }

  private async run(worker: JobWorker<never>, job: JobWithMetadata<never>): Promise<void> {
    const claim: ClaimedJob = { queue: worker.queue, id: job.id, retryCount: job.retryCount };
    this.claimed.add(claim);
    const attempt = worker.handle({
      id: job.id,
      data: job.data,
      attempt: job.retryCount + 1,
      lastAttempt: job.retryCount >= job.retryLimit,
      signal: AbortSignal.any([job.signal, this.stopping.signal]),
    });
    this.running.add(attempt);
    try {
      await attempt;
    } finally {
      this.running.delete(attempt);
      this.claimed.delete(claim);
    }
  }
}
