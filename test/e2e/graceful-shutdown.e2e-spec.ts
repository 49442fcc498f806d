import pg from 'pg';
import request from 'supertest';
import { login, TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { deleteKeys } from '../support/platform.js';
import { listening, startPlatformProcess } from '../support/platform-process.js';
import { serversFromEnv } from '../support/servers.js';
import { createTestDatabase, type TestDatabase, uniqueCachePrefix } from '../support/test-database.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { waitUntil } from '../support/wait.js';

describe('shutdown on SIGTERM', () => {
  let database: TestDatabase;
  const cachePrefix = uniqueCachePrefix();

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    await deleteKeys(serversFromEnv().redisUrl, cachePrefix);
  });

  it('finishes a request in flight, commits its data, then closes the pool and exits', async () => {
    const platform = startPlatformProcess({
      DATABASE_URL: database.url,
      DATABASE_MIGRATION_URL: database.migrationUrl,
      REDIS_URL: serversFromEnv().redisUrl,
      CACHE_KEY_PREFIX: cachePrefix,
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    });
    const blocker = new pg.Client({ connectionString: database.migrationUrl });
    try {
      const url = await listening(platform);
      const { accessToken } = await login(url, 'admin', TEST_ADMIN_PASSWORD);
      await blocker.connect();
      // Hold the table so the store is still running when the signal arrives.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE vital_signs IN ACCESS EXCLUSIVE MODE');
      const subject = newSubjectId();
      const inFlight = request(url)
        .post('/edc/store-vitals')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({ records: [vitalRecord({ SubjectID: subject })] })
        .then((response) => response);
      await waitUntil(async () => {
        const waiting = await blocker.query("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'vital_signs'::regclass");
        return waiting.rows[0].n > 0;
      }, 10_000);

      platform.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(platform.child.exitCode).toBeNull();
      await blocker.query('COMMIT');

      const response = await inFlight;
      expect(response.status).toBe(201);
      expect(response.body.records_stored).toBe(1);
      await platform.exited;
      const stored = await blocker.query(
        'SELECT count(*)::int AS n FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.subject_number = $1',
        [subject],
      );
      expect(stored.rows[0].n).toBe(1);
      const sessions = await blocker.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
      expect(sessions.rows[0].n).toBe(0);
    } finally {
      platform.child.kill('SIGKILL');
      await blocker.end().catch(() => undefined);
    }
  });
});
