import { findFreePort } from '../../libs/database/src/index.js';
import request from 'supertest';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

describe('when Redis is unreachable', () => {
  let platform: PlatformUnderTest;
  const api = () => platform.admin;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', { REDIS_URL: `redis://127.0.0.1:${await findFreePort()}` });
  });
  afterAll(() => platform?.close());

  it('reports health 200 with the cache degraded and the database up', async () => {
    const response = await request(platform.baseUrl).get('/health').expect(200);
    expect(response.body.status).toBe('degraded');
    expect(response.body.details.database.status).toBe('up');
    expect(response.body.details.cache).toMatchObject({ status: 'degraded', connected: false, backend: 'redis' });
  });

  it('keeps every endpoint working: store, list, read one, read vitals before and after a store', async () => {
    const subject = newSubjectId();
    await api().post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
    await api().get('/edc/patients').expect(200);
    await api().get(`/edc/patients/${subject}`).expect(200);
    const before = await api().get(`/edc/patients/${subject}/vitals`).expect(200);
    expect(before.body.vitals).toHaveLength(1);
    await api().post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, VisitName: 'Week 1' })] }).expect(201);
    const after = await api().get(`/edc/patients/${subject}/vitals`).expect(200);
    expect(after.body.vitals).toHaveLength(2);
    for (const prefix of ['edc', 'generation', 'analytics', 'quality', 'security']) await request(platform.baseUrl).get(`/${prefix}/health`).expect(200);
    await api().get('/security/auth/me').expect(200);
  });
});

describe('when PostgreSQL becomes unreachable', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
  });
  afterAll(async () => {
    await platform?.database?.server(`ALTER DATABASE ${platform.database.name} ALLOW_CONNECTIONS true`);
    await platform?.close();
  });

  it('reports health 503 with the database down, and recovers when it returns', async () => {
    const database = platform.database!;
    await request(platform.baseUrl).get('/health').expect(200);
    await database.server(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
    await database.server('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
    const down = await request(platform.baseUrl).get('/health').expect(503);
    expect(down.body).toMatchObject({ status: 'error', service: 'api-gateway' });
    expect(down.body.details.database.status).toBe('down');
    expect(down.body.details.cache.status).toBe('up');
    const store = await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: newSubjectId() })] });
    // The token's session cannot be checked either: never a silent pass, and never a 500 either:
    // the client is told the database is unavailable and when to try again.
    expect(store.status).toBe(503);
    expect(store.headers['retry-after']).toMatch(/^\d+$/);
    expect(store.body.message).toMatch(/database is unavailable/);
    await database.server(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    await request(platform.baseUrl).get('/health').expect(200);
  });
});
