import request from 'supertest';
import { TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';

describe('deeply nested JSON bodies', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
  });
  afterAll(() => platform?.close());

  it('are refused with 400 before parsing, even on the unauthenticated login', async () => {
    const body = '['.repeat(100_000) + ']'.repeat(100_000);
    const response = await request(platform.baseUrl).post('/security/auth/login').set('Content-Type', 'application/json').send(body).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/nested deeper than 32 levels/), path: '/security/auth/login' });
    await platform.admin.post('/edc/store-vitals').set('Content-Type', 'application/json').send(`{"records":${body}}`).expect(400);
  });

  it('leave ordinary bodies alone', async () => {
    await request(platform.baseUrl).post('/security/auth/login').send({ username: 'admin', password: TEST_ADMIN_PASSWORD }).expect(200);
  });
});
