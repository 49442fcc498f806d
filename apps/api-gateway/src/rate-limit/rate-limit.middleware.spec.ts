import express from 'express';
import request from 'supertest';
import { TokenService } from '../../../../libs/auth/src/index.js';
import { loadPlatformConfig } from '../../../../libs/config/src/index.js';
import { CacheService, MemoryCacheBackend } from '../../../../libs/database/src/index.js';
import { rateLimitMiddleware } from './rate-limit.middleware.js';

/** The middleware in front of a route that answers everything with 200. */
function limitedApp(perClientPerMinute: number): express.Express {
  const config = loadPlatformConfig({}, { JWT_SECRET: 'rate-limit-spec-secret-that-is-long-enough', RATE_LIMIT_PER_CLIENT_PER_MINUTE: String(perClientPerMinute), RATE_LIMIT_PER_USER_PER_MINUTE: '0' });
  const cache = new CacheService(new MemoryCacheBackend(), 'rate-limit-spec:', 60);
  const app = express();
  app.use(rateLimitMiddleware(cache, new TokenService(config), config));
  app.use((_request, response) => {
    response.json({ ok: true });
  });
  return app;
}

describe('gateway rate limit and health checks', () => {
  it('limits a route that merely ends in /health, like any other route', async () => {
    const app = limitedApp(2);
    const statuses: number[] = [];
    for (let n = 0; n < 3; n += 1) statuses.push((await request(app).get('/edc/patients/health')).status);
    expect(statuses).toEqual([200, 200, 429]);
    await request(app).get('/security/users/health').expect(429);
  });

  it('leaves the health routes themselves unlimited: the gateway\'s and each service\'s', async () => {
    const app = limitedApp(1);
    await request(app).get('/edc/patients').expect(200);
    await request(app).get('/edc/patients').expect(429);
    for (const path of ['/health', '/edc/health', '/generation/health', '/analytics/health', '/quality/health', '/security/health']) {
      await request(app).get(path).expect(200);
    }
  });
});
