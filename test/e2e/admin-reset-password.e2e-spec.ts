import { spawn } from 'node:child_process';
import request from 'supertest';
import { serversFromEnv } from '../support/servers.js';
import { login, TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform, TEST_ANCHOR_SECRET, TEST_JWT_SECRET } from '../support/platform.js';
import { eventually } from '../support/wait.js';

const COMMAND = new URL('../../dist/apps/security-service/src/users/reset-password.command.js', import.meta.url).pathname;

/** An operator who lost the admin's password, at the command line of a machine that reaches the database. */
describe('npm run admin:reset-password', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', { CACHE_INVALIDATION_REPLAY_MS: '100' });
  });
  afterAll(() => platform?.close());

  const run = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [COMMAND, ...args], {
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          DATABASE_URL: platform.database!.url,
          DATABASE_MIGRATION_URL: platform.database!.migrationUrl,
          REDIS_URL: serversFromEnv().redisUrl,
          JWT_SECRET: TEST_JWT_SECRET,
          AUDIT_ANCHOR_SECRET: TEST_ANCHOR_SECRET,
          ...extra,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });

  it('sets a new random password shown once, ends the old sessions, and is audited with the operator as actor', async () => {
    const before = await login(platform.baseUrl, 'admin', TEST_ADMIN_PASSWORD);
    const result = await run(['admin']);
    expect(result.code).toBe(0);
    const password = /New password of "admin": (\S+)/.exec(result.stdout)?.[1];
    expect(password).toBeDefined();
    expect(result.stdout).toMatch(/not shown again/);

    await request(platform.baseUrl).post('/security/auth/login').send({ username: 'admin', password: TEST_ADMIN_PASSWORD }).expect(401);
    const after = await login(platform.baseUrl, 'admin', password as string);
    await eventually(async () => {
      const me = await request(platform.baseUrl).get('/security/auth/me').set('Authorization', `Bearer ${before.accessToken}`);
      return me.status === 401 ? true : undefined;
    });
    const { rows } = await platform.database!.admin(
      "SELECT action, username, role FROM audit_events WHERE request_id LIKE 'admin-reset-password-%' ORDER BY seq",
    );
    expect(rows.map((row) => row.action)).toEqual(['reset_password', 'unlock']);
    for (const row of rows) expect(row).toMatchObject({ username: expect.stringMatching(/^command line \(.+\)$/), role: 'operator' });

    // Leave the admin as the other tests expect it.
    const me = await request(platform.baseUrl).get('/security/auth/me').set('Authorization', `Bearer ${after.accessToken}`).expect(200);
    await request(platform.baseUrl)
      .post(`/security/users/${me.body.id}/reset-password`)
      .set('Authorization', `Bearer ${after.accessToken}`)
      .send({ password: TEST_ADMIN_PASSWORD })
      .expect(204);
  });

  it('takes the password from NEW_PASSWORD without printing it, and refuses a weak one', async () => {
    const chosen = 'operator-chosen-passphrase-42';
    const result = await run([], { NEW_PASSWORD: chosen });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(chosen);
    await login(platform.baseUrl, 'admin', chosen);

    const weak = await run([], { NEW_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/at least 12 characters/);
    await login(platform.baseUrl, 'admin', chosen);
  });

  it('names an unknown user and changes nothing', async () => {
    const result = await run(['nobody-here']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('there is no user "nobody-here"');
  });
});
