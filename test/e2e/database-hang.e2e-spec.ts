import request from 'supertest';
import { type FreezableProxy, startFreezableProxy } from '../support/freezable-proxy.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { eventually } from '../support/wait.js';

/**
 * An operator's view of a database that stops answering without closing its connections (frozen,
 * or cut off on the network): requests answer 503 with Retry-After instead of hanging, the pool
 * recovers by itself when the database answers again, and shutdown does not wait on it.
 */
describe('when PostgreSQL stops answering', () => {
  let proxy: FreezableProxy;
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    proxy = await startFreezableProxy('127.0.0.1', 5432);
    platform = await startPlatform(
      'all-in-one',
      { DB_QUERY_TIMEOUT_MS: '1000', DB_CONNECT_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '8000', AUDIT_READ_FLUSH_MS: '200' },
      {
        serviceDatabaseUrl: (url) => {
          const proxied = new URL(url);
          proxied.hostname = '127.0.0.1';
          proxied.port = String(proxy.port);
          return proxied.toString();
        },
      },
    );
  });
  afterAll(async () => {
    proxy?.thaw();
    await platform?.close();
    await proxy?.close();
  });

  it('answers a store and a read with 503 and Retry-After, never a hang or a 500, and stores nothing', async () => {
    const subject = newSubjectId('HANG');
    proxy.freeze();
    try {
      const store = await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] });
      expect(store.status).toBe(503);
      expect(store.headers['retry-after']).toMatch(/^\d+$/);
      expect(store.body).toMatchObject({ statusCode: 503, message: expect.stringMatching(/database is unavailable/), path: '/edc/store-vitals' });
      const list = await platform.admin.get('/edc/patients');
      expect(list.status).toBe(503);
      expect(list.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      proxy.thaw();
    }
    const stored = await platform.database!.admin('SELECT count(*)::int AS n FROM patients WHERE subject_number = $1', [subject]);
    expect(stored.rows[0].n).toBe(0);
  });

  it('serves again once the database answers, without a restart', async () => {
    const subject = newSubjectId('HANG');
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
    await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200);
  });

  it('replaces connections whose queries hung: with those connections stuck and new ones answering, requests succeed again', async () => {
    proxy.freezeOpenConnections();
    try {
      // A request that meets a stuck connection answers 503 and that connection is closed, so the
      // following requests get working connections instead of waiting behind the hung queries.
      await eventually(async () => {
        const store = await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: newSubjectId('HUNG') })] });
        return store.status === 201 ? true : undefined;
      }, 30_000, 100);
      await platform.admin.get('/edc/patients').expect(200);
    } finally {
      proxy.thaw();
    }
  });

  it('reports health 503 while the database hangs', async () => {
    proxy.freeze();
    try {
      const health = await request(platform.baseUrl).get('/health');
      expect(health.status).toBe(503);
    } finally {
      proxy.thaw();
    }
  });

  it('shuts down while the database hangs, instead of waiting for it', async () => {
    proxy.freeze();
    const closing = Promise.all(platform.apps.map((app) => app.close()));
    // Jest's test timeout is the bound: without client-side timeouts this never resolves.
    await expect(closing).resolves.toBeDefined();
    platform.apps.length = 0;
    proxy.thaw();
  });
});
