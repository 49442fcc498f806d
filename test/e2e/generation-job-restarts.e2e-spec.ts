import { randomUUID } from 'node:crypto';
import { PgBoss } from 'pg-boss';
import type { AuditActor } from '../../libs/audit/src/index.js';
import { STORE_DATASET_QUEUE } from '../../apps/data-generation-service/src/datasets/dataset-jobs.service.js';
import { STORE_DATASET_SETTINGS } from '../../apps/data-generation-service/src/datasets/dataset-store.worker.js';
import { defaultDesign } from '../../apps/data-generation-service/src/generators/default-design.js';
import { withDefaults } from '../../apps/data-generation-service/src/generators/parameters.js';
import type { Recipe } from '../../apps/data-generation-service/src/generators/recipe.js';
import { JOB_QUEUE_SCHEMA } from '../../database/migrations/1765100000000-generation-datasets.js';
import { listening, type PlatformProcess, startPlatformProcess } from '../support/platform-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { eventually } from '../support/wait.js';

const ACTOR: AuditActor = { userId: null, username: 'dm.generator', role: 'data_manager', clientAddress: '127.0.0.1', requestId: 'restarts-e2e' };

/** 200,000 records: long enough to be stopped half-way, again and again. */
const SUBJECTS = 50_000;

interface DatasetState {
  state: string;
  rows_written: number;
  error: string | null;
}

/** Rolling restarts (a deploy, a node drained) stop a long job gracefully; they are not the job failing. */
describe('a job stopped by graceful restarts', () => {
  let database: TestDatabase;
  const processes: PlatformProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await stopAll();
    await database?.drop();
  });

  const stopAll = async (): Promise<void> => {
    for (const started of processes) {
      if (started.child.exitCode === null && started.child.signalCode === null) {
        started.child.kill('SIGTERM');
        await started.exited;
      }
    }
  };

  const start = async (): Promise<PlatformProcess> => {
    const started = startPlatformProcess({
      DATABASE_URL: database.url,
      DATABASE_MIGRATION_URL: database.migrationUrl,
      LOG_LEVEL: 'log',
      DB_POOL_MIN: '1',
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    processes.push(started);
    await listening(started);
    return started;
  };

  const dataset = async (id: string): Promise<DatasetState> =>
    (await database.admin(`SELECT state, rows_written, error FROM generation_datasets WHERE id = $1`, [id])).rows[0] as DatasetState;

  /** What DatasetJobs.enqueue does, from outside the process: the dataset's row, then its job under the same id. */
  async function enqueue(options: { startAfter?: number } = {}): Promise<string> {
    const design = defaultDesign('DEFAULT');
    const recipe: Recipe = { method: 'rules', parameters: withDefaults('rules', { n_total: SUBJECTS, first_subject_number: 600_001, seed: 7 }, design), design };
    const id = randomUUID();
    await database.admin(
      `INSERT INTO generation_datasets (id, protocol_id, method, recipe, actor, rows_total, subjects_total) VALUES ($1, 'DEFAULT', 'rules', $2, $3, $4, $5)`,
      [id, JSON.stringify(recipe), JSON.stringify(ACTOR), SUBJECTS * 4, SUBJECTS],
    );
    const boss = new PgBoss({ connectionString: database.url, schema: JOB_QUEUE_SCHEMA, migrate: false, createSchema: false, supervise: false, schedule: false });
    await boss.start();
    try {
      await boss.send(STORE_DATASET_QUEUE, { dataset_id: id }, { id, ...options });
    } finally {
      await boss.stop({ graceful: false });
    }
    return id;
  }

  it('does not use up the job\'s retries: stopped more times than its retry limit allows, it is still stored whole', async () => {
    // The first process migrates the database, so the job is sent once it is up.
    let running = await start();
    const id = await enqueue();
    const restarts = STORE_DATASET_SETTINGS.retryLimit + 2;
    for (let restart = 1; restart <= restarts; restart += 1) {
      if (restart > 1) running = await start();
      await eventually(async () => ((await dataset(id)).rows_written > 0 ? true : undefined), 60_000, 20).catch((error: Error) => {
        throw new Error(`${error.message}; restart ${restart}, the process said:\n${running.output()}`);
      });
      running.child.kill('SIGTERM');
      await running.exited;
      // Nothing runs it now: the dataset says it waits, and the queue still holds the job for the next process.
      expect(await dataset(id)).toEqual({ state: 'queued', rows_written: 0, error: null });
      const { rows } = await database.admin(`SELECT state FROM ${JOB_QUEUE_SCHEMA}.job WHERE id = $1`, [id]);
      expect(rows).toEqual([{ state: 'retry' }]);
    }

    const last = await start();
    const ended = await eventually(
      async () => {
        const row = await dataset(id);
        return ['stored', 'failed', 'cancelled'].includes(row.state) ? row : undefined;
      },
      120_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the last process said:\n${last.output()}`);
    });
    expect(ended).toEqual({ state: 'stored', rows_written: 4 * SUBJECTS, error: null });
    expect(last.output()).not.toMatch(/runs again/);
  }, 600_000);

  it('shows a dataset whose process died mid-load as queued again, not running, while its job waits for the next attempt', async () => {
    await stopAll();
    // Far in the future: no process takes the job while the test looks.
    const id = await enqueue({ startAfter: 3_600 });
    await database.admin(
      `UPDATE generation_datasets SET state = 'running', rows_written = 1000, started_at = now() - interval '10 minutes', heartbeat_at = now() - interval '10 minutes' WHERE id = $1`,
      [id],
    );
    const next = await start();
    await eventually(async () => ((await dataset(id)).state === 'queued' ? true : undefined), 60_000, 100).catch((error: Error) => {
      throw new Error(`${error.message}; the process said:\n${next.output()}`);
    });
    expect(await dataset(id)).toEqual({ state: 'queued', rows_written: 0, error: null });
  }, 120_000);
});
