import { randomUUID } from 'node:crypto';
import { loadPlatformConfig } from '../../config/src/index.js';
import { DatabaseConnection } from '../../database/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { waitUntil } from '../../../test/support/wait.js';
import { JobQueue, type QueueSettings, type RunningJob } from './job-queue.js';
import { installedJobQueueSchemaVersion } from './schema-version.js';

interface Note {
  text: string;
}

const SETTINGS = { retryLimit: 1, heartbeatSeconds: 10, expireInSeconds: 60 };

/** The platform's job queue on a real PostgreSQL, as the services' runtime role (which cannot create schemas). */
describe('JobQueue', () => {
  let database: TestDatabase;
  let config: ReturnType<typeof loadPlatformConfig>;
  let connection: DatabaseConnection;
  let queue: JobQueue;
  const ran: Array<RunningJob<Note>> = [];
  let failFirstAttempts = new Set<string>();
  let release: (() => void) | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    config = loadPlatformConfig({}, { DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, DB_POOL_MIN: '1', SHUTDOWN_TIMEOUT_MS: '3000' });
    connection = await DatabaseConnection.open(config, { applicationName: 'job-queue-spec' });
    queue = new JobQueue(connection.dataSource, config);
    queue.work<Note>({
      queue: 'notes',
      settings: SETTINGS,
      concurrency: 1,
      handle: async (job) => {
        ran.push(job);
        if (job.data.text === 'hold') await new Promise<void>((resolve) => (release = resolve));
        if (failFirstAttempts.has(job.id) && job.attempt === 1) throw new Error('first attempt fails');
      },
    });
    await queue.onApplicationBootstrap();
  });
  afterAll(async () => {
    release?.();
    await queue?.beforeApplicationShutdown();
    await connection?.close();
    await database?.drop();
  });

  it('runs a job sent under an id of the sender\'s choosing, and reports it completed', async () => {
    const id = randomUUID();
    expect(await queue.send('notes', { text: 'hello' }, id)).toBe(id);
    await waitUntil(async () => (await queue.status('notes', id)) === 'completed');
    expect(ran.filter((job) => job.id === id)).toEqual([expect.objectContaining({ data: { text: 'hello' }, attempt: 1, lastAttempt: false })]);
  });

  it('runs a failed job again, up to its retry limit, telling the handler which attempt is the last', async () => {
    const id = randomUUID();
    failFirstAttempts = new Set([id]);
    await queue.send('notes', { text: 'flaky' }, id);
    await waitUntil(async () => (await queue.status('notes', id)) === 'completed', 20_000);
    expect(ran.filter((job) => job.id === id).map((job) => [job.attempt, job.lastAttempt])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('never starts a job cancelled while it waits', async () => {
    const holder = randomUUID();
    await queue.send('notes', { text: 'hold' }, holder);
    await waitUntil(async () => (await queue.status('notes', holder)) === 'active');
    const waiting = randomUUID();
    await queue.send('notes', { text: 'never' }, waiting);
    await queue.cancel('notes', waiting);
    release?.();
    await waitUntil(async () => (await queue.status('notes', holder)) === 'completed');
    expect(await queue.status('notes', waiting)).toBe('cancelled');
    expect(ran.some((job) => job.id === waiting)).toBe(false);
  });

  it('refuses a second job under an id already taken', async () => {
    const id = randomUUID();
    await queue.send('notes', { text: 'once' }, id);
    await expect(queue.send('notes', { text: 'twice' }, id)).rejects.toThrow(/not queued/);
  });

  it('answers null for a job it never had', async () => {
    expect(await queue.status('notes', randomUUID())).toBeNull();
  });

  it('applies a worker\'s changed settings to its queue when the queue already exists', async () => {
    const startWith = async (settings: QueueSettings): Promise<void> => {
      const other = new JobQueue(connection.dataSource, config);
      other.work({ queue: 'settings', settings, concurrency: 1, handle: async () => undefined });
      await other.onApplicationBootstrap();
      await other.beforeApplicationShutdown();
    };
    const stored = async () =>
      (await database.admin(`SELECT retry_limit, heartbeat_seconds, expire_seconds FROM pgboss.queue WHERE name = 'settings'`)).rows[0] as unknown;
    await startWith({ retryLimit: 1, heartbeatSeconds: 10, expireInSeconds: 60 });
    expect(await stored()).toEqual({ retry_limit: 1, heartbeat_seconds: 10, expire_seconds: 60 });
    await startWith({ retryLimit: 4, heartbeatSeconds: 20, expireInSeconds: 120 });
    expect(await stored()).toEqual({ retry_limit: 4, heartbeat_seconds: 20, expire_seconds: 120 });
  });

  it('refuses to start on a queue schema of another pg-boss version, naming both versions and the way out', async () => {
    const installed = installedJobQueueSchemaVersion();
    await database.admin(`UPDATE pgboss.version SET version = $1`, [installed - 1]);
    try {
      const other = new JobQueue(connection.dataSource, config);
      await expect(other.onApplicationBootstrap()).rejects.toThrow(
        `The job queue's schema "pgboss" holds version ${installed - 1}, but the installed pg-boss needs schema version ${installed}. ` +
          `pg-boss was upgraded: add a database migration that runs pg-boss's getMigrationPlans('pgboss', ${installed - 1}) and run the migrations, or install the pg-boss version the database was built with.`,
      );
    } finally {
      await database.admin(`UPDATE pgboss.version SET version = $1`, [installed]);
    }
  });
});
