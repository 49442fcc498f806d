import type { OpenAPIObject } from '@nestjs/swagger';
import pg from 'pg';
import request from 'supertest';
import { asUser, login, TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

describe('split mode', () => {
  let platform: PlatformUnderTest;
  let accessToken = '';
  const token = () => accessToken;

  beforeAll(async () => {
    platform = await startPlatform('split');
    accessToken = (await login(platform.baseUrl, 'admin', TEST_ADMIN_PASSWORD)).accessToken;
  });

  it('closes every service to callers without a token, even when reached directly', async () => {
    for (const url of Object.values(platform.serviceUrls)) await request(url).get('/health').expect(200);
    await request(platform.serviceUrls.edc).get('/patients').expect(401);
    await request(platform.serviceUrls.edc).post('/store-vitals').send({ records: [vitalRecord()] }).expect(401);
    await request(platform.serviceUrls.security).get('/users').expect(401);
    await request(platform.serviceUrls.security).get('/audit/events').expect(401);
    await request(platform.baseUrl).get('/edc/patients').expect(401);
  });
  afterAll(() => platform?.close());

  it('serves each service at the root of its own process', async () => {
    const subject = newSubjectId();
    const edc = asUser(platform.serviceUrls.edc, token());
    await edc.post('/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
    const direct = await edc.get(`/patients/${subject}/vitals`).expect(200);
    const viaGateway = await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200);
    expect(viaGateway.body).toEqual(direct.body);
    const health = await request(platform.serviceUrls.quality).get('/health').expect(200);
    expect(health.body.service).toBe('quality-service');
  });

  it('documents the same routes as all-in-one mode: the gateway\'s own health and metrics, not the services\' internal ones', async () => {
    const allInOne = await startPlatform('all-in-one');
    try {
      const split = (await request(platform.baseUrl).get('/docs-json').expect(200)).body as OpenAPIObject;
      const single = (await request(allInOne.baseUrl).get('/docs-json').expect(200)).body as OpenAPIObject;
      expect(Object.keys(split.paths)).toEqual(expect.arrayContaining(['/health', '/metrics', '/edc/health', '/edc/store-vitals']));
      expect(Object.keys(split.paths)).not.toContain('/edc/metrics');
      expect(Object.keys(split.paths).sort()).toEqual(Object.keys(single.paths).sort());
      for (const [path, item] of Object.entries(single.paths)) expect({ path, item: split.paths[path] }).toEqual({ path, item });
    } finally {
      await allInOne.close();
    }
  });

  it("passes the caller's request id through to the service", async () => {
    const response = await platform.admin.get('/edc/patients').set('x-request-id', 'abc-42').expect(200);
    expect(response.headers['x-request-id']).toBe('abc-42');
  });

  it("reports every downstream service in the gateway's health", async () => {
    const response = await request(platform.baseUrl).get('/health').expect(200);
    for (const name of ['edc-service', 'data-generation-service', 'analytics-service', 'quality-service', 'security-service']) {
      expect(response.body.details[name]).toMatchObject({ status: 'up', serviceStatus: 'ok' });
    }
  });

  it('answers 502 with a clear body when a service is down, and health says which', async () => {
    const analytics = platform.apps.find((app) => platform.serviceUrls.analytics.endsWith(String(app.getHttpServer().address()?.port)));
    await analytics!.close();
    const response = await request(platform.baseUrl).get('/analytics/health').expect(502);
    expect(response.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway', path: '/analytics/health' });
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body.message).toMatch(/analytics-service is unreachable/);
    const health = await request(platform.baseUrl).get('/health').expect(503);
    expect(health.body.details['analytics-service'].status).toBe('down');
    expect(health.body.details['edc-service'].status).toBe('up');
    platform.apps.splice(platform.apps.indexOf(analytics!), 1);
  });
});

describe('split mode with a slow service', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('split', { GATEWAY_PROXY_TIMEOUT_MS: '1500' });
  });
  afterAll(() => platform?.close());

  it('answers 504 instead of hanging when a service takes longer than the proxy timeout', async () => {
    // A lock the store must wait for keeps the service slow without taking it down.
    const subject = newSubjectId();
    const client = new pg.Client({ connectionString: platform.database!.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE patients IN ACCESS EXCLUSIVE MODE');
    try {
      const response = await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(504);
      expect(response.body).toMatchObject({ statusCode: 504, error: 'Gateway Timeout' });
      expect(response.headers['retry-after']).toBe('5');
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });
});
