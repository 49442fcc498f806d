import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { PgBoss } from 'pg-boss';
import type { Response } from 'supertest';
import type { AuditActor } from '../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../libs/auth/src/index.js';
import { DatasetJobs, STORE_DATASET_QUEUE } from '../../apps/data-generation-service/src/datasets/dataset-jobs.service.js';
import { ABANDONED_ERROR, DatasetSweeper } from '../../apps/data-generation-service/src/datasets/dataset-sweeper.js';
import { defaultDesign } from '../../apps/data-generation-service/src/generators/default-design.js';
import { withDefaults } from '../../apps/data-generation-service/src/generators/parameters.js';
import type { Recipe } from '../../apps/data-generation-service/src/generators/recipe.js';
import { JOB_QUEUE_SCHEMA } from '../../database/migrations/1765100000000-generation-datasets.js';
import { listening, type PlatformProcess, startPlatformProcess } from '../support/platform-process.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { eventually } from '../support/wait.js';

const ACTOR: AuditActor = { userId: null, username: 'dm.generator', role: 'data_manager', clientAddress: '127.0.0.1', requestId: 'jobs-e2e' };
const USER = { id: 'jobs-e2e', username: 'dm.generator', roles: ['data_manager'] } as unknown as AuthenticatedUser;

/** A rules recipe for the default study: 4 records per subject (no visit missed), subjects numbered from `first`. */
function recipe(subjects: number, first: number): Recipe {
  const design = defaultDesign('DEFAULT');
  return { method: 'rules', parameters: withDefaults('rules', { n_total: subjects, first_subject_number: first, seed: 5 }, design), design };
}

/** 200,000 records: long enough to be seen half-way. */
const LARGE = 50_000;

function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, message: response.body?.message }).toEqual({ status, message: response.body?.message });
}

/**
 * A dataset's row as DatasetJobs.enqueue writes it (the tests that run processes have no in-process
 * DatasetJobs); `running`: then started, as an attempt starts it. `silentSeconds`: recorded, and
 * last heard of, that long ago.
 */
async function insertDataset(database: TestDatabase, stored: Recipe, state: 'queued' | 'running', silentSeconds = 0): Promise<string> {
  const id = randomUUID();
  await database.admin(
    `INSERT INTO generation_datasets (id, protocol_id, method, recipe, actor, rows_total, subjects_total, created_at)
     VALUES ($1, 'DEFAULT', 'rules', $2, $3, $4, $5, now() - make_interval(secs => $6))`,
    [id, JSON.stringify(stored), JSON.stringify(ACTOR), stored.parameters.n_total * 4, stored.parameters.n_total, silentSeconds],
  );
  if (state === 'running') {
    await database.admin(
      `UPDATE generation_datasets SET state = 'running', attempts = 1, started_at = created_at, heartbeat_at = created_at WHERE id = $1`,
      [id],
    );
  }
  return id;
}

/** The dataset's audit events, oldest first. */
const auditEvents = async (database: TestDatabase, ids: string[]) =>
  (
    await database.admin(`SELECT entity_id, action, username, changes FROM audit_events WHERE entity_type = 'dataset' AND entity_id = ANY($1) ORDER BY seq`, [
      ids,
    ])
  ).rows;

async function withBoss<T>(database: TestDatabase, work: (boss: PgBoss) => Promise<T>): Promise<T> {
  const boss = new PgBoss({ connectionString: database.url, schema: JOB_QUEUE_SCHEMA, migrate: false, createSchema: false, supervise: false, schedule: false });
  await boss.start();
  try {
    return await work(boss);
  } finally {
    await boss.stop({ graceful: false });
  }
}

/** Store jobs under the datasets' ids, as DatasetJobs sends them. */
async function sendJobs(database: TestDatabase, ids: string[], options: { startAfter?: number } = {}): Promise<void> {
  await withBoss(database, async (boss) => {
    for (const id of ids) await boss.send(STORE_DATASET_QUEUE, { dataset_id: id }, { id, ...options });
  });
}

const countIn = async (database: TestDatabase, view: string, datasetId: string): Promise<number> =>
  (await database.admin(`SELECT count(*)::int AS n FROM ${view} WHERE dataset_id = $1`, [datasetId])).rows[0].n;

describe('background jobs storing generated datasets', () => {
  describe('progress and cancellation', () => {
    let platform: PlatformUnderTest;
    let jobs: DatasetJobs;

    beforeAll(async () => {
      platform = await startPlatform('all-in-one');
      jobs = (platform.apps[0] as INestApplication).get(DatasetJobs, { strict: false });
    });
    afterAll(() => platform?.close());

    const job = async (id: string): Promise<Response> => {
      const answer = await platform.admin.get(`/generation/jobs/${id}`);
      expectStatus(answer, 200);
      return answer;
    };

    it('shows a large job part-way, then stops it on cancel, storing nothing; a job queued behind it, cancelled, never starts', async () => {
      const large = await jobs.enqueue(USER, ACTOR, recipe(LARGE, 100_001));
      expect(large).toMatchObject({ state: 'queued', rows_total: 4 * LARGE, subjects_total: LARGE });
      const behind = await jobs.enqueue(USER, ACTOR, recipe(10, 300_001));

      const partWay = await eventually(
        async () => {
          const seen = await job(large.id);
          if (['stored', 'failed', 'cancelled'].includes(seen.body.state)) throw new Error(`the job finished before it was seen part-way: ${JSON.stringify(seen.body)}`);
          return seen.body.state === 'running' && seen.body.percent > 0 ? seen : undefined;
        },
        60_000,
        20,
      );
      expect(partWay.body.percent).toBeLessThan(100);
      expect(partWay.body.rows_written).toBeGreaterThan(0);
      expect(partWay.body.rows_written).toBeLessThan(4 * LARGE);
      expect(partWay.body.subjects_written).toBeGreaterThan(0);
      expect(partWay.body.started_at).not.toBeNull();
      expect((await job(behind.id)).body.state).toBe('queued');

      const cancelBehind = await platform.admin.delete(`/generation/jobs/${behind.id}`);
      expectStatus(cancelBehind, 200);
      expect(cancelBehind.body).toMatchObject({ id: behind.id, state: 'cancelled', percent: 0, cancelled_by: 'admin' });
      const cancelLarge = await platform.admin.delete(`/generation/jobs/${large.id}`);
      expectStatus(cancelLarge, 200);
      expect(cancelLarge.body).toMatchObject({ id: large.id, state: 'cancelled', percent: 0, rows_written: 0 });

      // One worker per process: a job sent now is stored only once the cancelled one has let go.
      const after = await jobs.enqueue(USER, ACTOR, recipe(3, 400_001));
      await eventually(async () => ((await job(after.id)).body.state === 'stored' ? true : undefined), 60_000, 100);

      for (const id of [large.id, behind.id]) {
        expect(await countIn(platform.database!, 'edc_subjects', id)).toBe(0);
        expect(await countIn(platform.database!, 'edc_vitals', id)).toBe(0);
      }
      expect((await job(large.id)).body).toMatchObject({ state: 'cancelled', rows_written: 0 });
      expect((await job(behind.id)).body).toMatchObject({ state: 'cancelled', started_at: null, attempts: 0 });
      // Each cancellation audited in the name of who cancelled, and named on the dataset; nothing stored, so no 'generate'.
      expect(await auditEvents(platform.database!, [large.id, behind.id])).toEqual([
        { entity_id: behind.id, action: 'cancel', username: 'admin', changes: { state: { old: 'queued', new: 'cancelled' } } },
        { entity_id: large.id, action: 'cancel', username: 'admin', changes: { state: { old: 'running', new: 'cancelled' } } },
      ]);
      const { rows } = await platform.database!.admin(`SELECT cancelled_by ->> 'username' AS username FROM generation_datasets WHERE id = ANY($1)`, [[large.id, behind.id]]);
      expect(rows).toEqual([{ username: 'admin' }, { username: 'admin' }]);
      const again = await platform.admin.delete(`/generation/jobs/${large.id}`);
      expectStatus(again, 409);
      expect(again.body.message).toBe(`Job ${large.id} is cancelled already: only a queued or running job can be cancelled`);
    });

    it('marks failed a dataset left running whose job the queue has given up, and leaves one whose job still waits', async () => {
      const database = platform.database!;
      const givenUp = await insertDataset(database, recipe(2, 800_001), 'running', 600);
      const waiting = await insertDataset(database, recipe(2, 800_101), 'queued', 600);
      // Far in the future: no worker takes them while the test looks.
      await sendJobs(database, [givenUp, waiting], { startAfter: 3_600 });
      await withBoss(database, (boss) => boss.cancel(STORE_DATASET_QUEUE, givenUp));

      const sweeper = (platform.apps[0] as INestApplication).get(DatasetSweeper, { strict: false });
      expect(await sweeper.sweep(60)).toBe(1);
      expect((await job(givenUp)).body).toMatchObject({ state: 'failed', error: ABANDONED_ERROR, rows_written: 0 });
      expect((await job(waiting)).body.state).toBe('queued');
      // No one asked for that failure: the platform is named, with the reason.
      expect(await auditEvents(database, [givenUp, waiting])).toEqual([
        { entity_id: givenUp, action: 'generate_failed', username: 'system', changes: { state: { old: 'running', new: 'failed' }, error: { old: null, new: ABANDONED_ERROR } } },
      ]);
    });
  });

  describe('a process that stops in the middle of a job', () => {
    let database: TestDatabase;
    const processes: PlatformProcess[] = [];

    beforeAll(async () => {
      database = await createTestDatabase();
    });
    /** Each test's processes end with it: a process left running would take the next test's job. */
    afterEach(async () => {
      for (const started of processes.splice(0)) {
        if (started.child.exitCode === null && started.child.signalCode === null) {
          started.child.kill('SIGTERM');
          await started.exited;
        }
      }
    });
    afterAll(() => database?.drop());

    const start = async (settings: Record<string, string> = {}): Promise<PlatformProcess> => {
      const started = startPlatformProcess({ DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, LOG_LEVEL: 'log', DB_POOL_MIN: '1', ...settings });
      processes.push(started);
      await listening(started);
      return started;
    };

    /** What DatasetJobs.enqueue does, from outside the process: the dataset's row, then its job under the same id. */
    async function enqueue(stored: Recipe): Promise<string> {
      const id = await insertDataset(database, stored, 'queued');
      await sendJobs(database, [id]);
      return id;
    }

    const datasetRow = async (id: string) =>
      (await database.admin(`SELECT state, rows_written, attempts, error FROM generation_datasets WHERE id = $1`, [id])).rows[0] as {
        state: string;
        rows_written: number;
        attempts: number;
        error: string | null;
      };

    /** The dataset once it has finished (stored, failed or cancelled) in `process`, whose output a timeout shows. */
    const finishedBy = (id: string, process: PlatformProcess) =>
      eventually(
        async () => {
          const row = await datasetRow(id);
          return ['stored', 'failed', 'cancelled'].includes(row.state) ? row : undefined;
        },
        120_000,
        250,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; the next process said:\n${process.output()}`);
      });

    it('leaves no rows of the dead attempt behind, and the next process runs the job again from the start, storing it whole', async () => {
      const first = await start();
      const id = await enqueue(recipe(LARGE, 700_001));
      await eventually(async () => ((await datasetRow(id)).rows_written > 0 ? true : undefined), 60_000, 20);
      first.child.kill('SIGKILL');
      await first.exited;
      // PostgreSQL rolls the dead connection's transaction back: nothing of it is, or becomes, visible.
      expect(await countIn(database, 'edc_subjects', id)).toBe(0);
      expect((await datasetRow(id)).state).toBe('running');

      const second = await start();
      const ended = await finishedBy(id, second);
      expect(ended).toMatchObject({ state: 'stored', error: null, rows_written: 4 * LARGE });
      expect(ended.attempts).toBeGreaterThanOrEqual(2);
      expect(await countIn(database, 'edc_subjects', id)).toBe(LARGE);
      expect(await countIn(database, 'edc_vitals', id)).toBe(4 * LARGE);
      const { rows } = await database.admin(`SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'dataset' AND entity_id = $1`, [id]);
      expect(rows[0].n).toBe(1);
    }, 240_000);

    it('stops a job on SIGTERM within the shutdown deadline, storing nothing, and the next process stores it whole', async () => {
      const stopping = await start({ SHUTDOWN_TIMEOUT_MS: '15000' });
      const id = await enqueue(recipe(LARGE, 900_001));
      await eventually(async () => ((await datasetRow(id)).rows_written > 0 ? true : undefined), 60_000, 20);
      stopping.child.kill('SIGTERM');
      const exit = await stopping.exited;
      // Closed by its own shutdown (Nest re-raises the signal once closed), not by the deadline's exit(1).
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      expect(stopping.output()).not.toMatch(/shutdown did not finish/);
      expect(await datasetRow(id)).toMatchObject({ state: 'queued', rows_written: 0, error: null });
      expect(await countIn(database, 'edc_subjects', id)).toBe(0);

      const next = await start();
      const ended = await finishedBy(id, next);
      expect(ended).toMatchObject({ state: 'stored', attempts: 2, rows_written: 4 * LARGE });
      expect(await countIn(database, 'edc_vitals', id)).toBe(4 * LARGE);
    }, 240_000);
  });
});
