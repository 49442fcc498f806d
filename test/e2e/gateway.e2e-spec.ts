import { findFreePort } from '../../libs/database/src/index.js';
import request from 'supertest';
import { createUser } from '../support/auth.js';
import { type Mode, type PlatformUnderTest, startPlatform } from '../support/platform.js';

describe.each<Mode>(['all-in-one', 'split'])('gateway (%s mode)', (mode) => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform(mode, { CORS_ORIGINS: 'https://trial.example.org' });
  });
  afterAll(() => platform?.close());

  it('sends security headers and allows only the configured CORS origins', async () => {
    const allowed = await request(platform.baseUrl).get('/health').set('Origin', 'https://trial.example.org').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://trial.example.org');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['strict-transport-security']).toBeDefined();
    expect(allowed.headers['x-powered-by']).toBeUndefined();
    const other = await request(platform.baseUrl).get('/health').set('Origin', 'https://evil.example.com').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves Prometheus metrics to admins, by route template and status, with pool, cache and process figures (heap, event-loop lag, GC)', async () => {
    await platform.admin.get('/edc/patients').expect(200);
    await request(platform.baseUrl).get('/metrics').expect(401);
    const response = await platform.admin.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toMatch(/http_requests_total\{method="GET",route="[^"]*\/edc[^"]*",status="200"\} \d+/);
    expect(response.text).toContain('http_request_duration_seconds_bucket');
    expect(response.text).toContain('cache_hit_ratio');
    if (mode === 'all-in-one') expect(response.text).toMatch(/db_pool_connections\{state="total"\} \d+/);
    // The process's own figures, besides the requests'.
    expect(response.text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
    expect(response.text).toMatch(/^nodejs_eventloop_lag_seconds [\d.e-]+/m);
    expect(response.text).toContain("# HELP nodejs_gc_duration_seconds ");
    expect(response.text).toMatch(/^process_resident_memory_bytes \d+/m);
    const investigator = await createUser(platform.baseUrl, platform.admin, { username: `inv-${mode}`, roles: ['investigator'] });
    await investigator.client.get('/metrics').expect(403);
  });

  it("documents every service's routes with their auth requirements at /docs", async () => {
    const document = await request(platform.baseUrl).get('/docs-json').expect(200);
    const paths = document.body.paths as Record<string, Record<string, { description?: string; security?: unknown[] }>>;
    expect(paths['/edc/store-vitals'].post.description).toMatch(/roles: admin, data_manager, investigator, agent/);
    expect(paths['/edc/store-vitals'].post.security).toEqual([{ bearer: [] }]);
    expect(paths['/security/auth/login'].post.security).toEqual([]);
    expect(paths['/security/users'].post.description).toMatch(/roles: admin\./);
    expect(paths['/security/audit/verify'].get.description).toMatch(/admin, monitor/);
    expect(paths['/edc/patients/{subjectId}/vitals'].get).toBeDefined();
    expect(paths['/quality/health'].get.security).toEqual([]);
    const schemas = document.body.components.schemas as Record<string, { properties: Record<string, unknown>; required?: string[] }>;
    expect(Object.keys(schemas.VitalRecordDto.properties)).toEqual(expect.arrayContaining(['SubjectID', 'SystolicBP', 'MeasurementTime']));
    expect(schemas.VitalRecordDto.required).toEqual(expect.arrayContaining(['SubjectID', 'VisitName', 'TreatmentArm', 'SystolicBP']));
    expect(schemas.VitalRecordDto.required).not.toContain('SiteID');
    expect(schemas.CreateUserDto.properties.roles).toMatchObject({ type: 'array', items: { enum: expect.arrayContaining(['admin', 'monitor']) } });
    await request(platform.baseUrl).get('/docs').expect(200).expect('content-type', /html/);
  });
});

describe('gateway rate limits', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', { RATE_LIMIT_PER_CLIENT_PER_MINUTE: '7', RATE_LIMIT_PER_USER_PER_MINUTE: '4' });
  });
  afterAll(() => platform?.close());

  it('answers 429 with Retry-After past the per-user limit, and past the per-client limit without a token', async () => {
    const statuses: number[] = [];
    let limited: request.Response | undefined;
    for (let n = 0; n < 6; n += 1) {
      const response = await platform.admin.get('/edc/patients');
      statuses.push(response.status);
      if (response.status === 429) limited ??= response;
    }
    // The admin's login counted against the client limit too; the user limit (4) bites first.
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited?.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    const anonymous = await request(platform.baseUrl).get('/edc/patients');
    expect(anonymous.status).toBe(429);
    await request(platform.baseUrl).get('/health').expect(200);
  });
});

describe('gateway rate limits with Redis unreachable', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', {
      REDIS_URL: `redis://127.0.0.1:${await findFreePort()}`,
      RATE_LIMIT_PER_CLIENT_PER_MINUTE: '1000',
      RATE_LIMIT_PER_USER_PER_MINUTE: '3',
    });
  });
  afterAll(() => platform?.close());

  it('still limits, counting in the process', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 5; n += 1) statuses.push((await platform.admin.get('/edc/patients')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});
