import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { isProcessAlive } from '../../libs/database/src/index.js';
import { login, TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { listening, startPlatformProcess } from '../support/platform-process.js';
import { waitUntil } from '../support/wait.js';

describe('the platform process on the embedded default', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ctp-process-'));
    await chmod(folder, 0o755);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves with nothing configured, says what it uses, refuses a second instance, and leaves no PostgreSQL behind on %s',
    async (signal) => {
      const first = startPlatformProcess({ EMBEDDED_DB_DIR: folder, ADMIN_PASSWORD: TEST_ADMIN_PASSWORD });
      try {
        const url = await listening(first);
        expect(first.output()).toMatch(/Using embedded PostgreSQL \(data in .+, port \d+\)/);
        expect(first.output()).toContain('Using in-process memory cache');
        await request(url).get('/health').expect(200);
        const pid = Number((await readFile(join(folder, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
        expect(isProcessAlive(pid)).toBe(true);

        const second = startPlatformProcess({ EMBEDDED_DB_DIR: folder, ADMIN_PASSWORD: TEST_ADMIN_PASSWORD });
        const secondExit = await second.exited;
        expect(secondExit.code).toBe(1);
        expect(second.output()).toMatch(/already in use by another process/);

        first.child.kill(signal);
        await first.exited;
        expect(isProcessAlive(pid)).toBe(false);
      } finally {
        first.child.kill('SIGKILL');
      }
    },
  );

  it('stops the platform and its PostgreSQL when a supervisor sends SIGTERM to npm, not to the process group', async () => {
    const start = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')).scripts as Record<string, string>;
    // `npm start` builds, then hands over to `npm run serve` the same way: each step is exec'd, so npm's signal reaches the platform.
    expect(start.start).toMatch(/&& exec npm run -s serve$/);
    expect(start.serve).toBe('exec node dist/apps/api-gateway/src/main.js');
    const platform = startPlatformProcess({ EMBEDDED_DB_DIR: folder, ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }, 'npm');
    try {
      const url = await listening(platform);
      const pid = Number((await readFile(join(folder, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      platform.child.kill('SIGTERM');
      await platform.exited;
      await waitUntil(async () => !isProcessAlive(pid), 30_000);
      await expect(request(url).get('/health')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      platform.child.kill('SIGKILL');
    }
  });

  it('refuses a taken port before creating anything, naming PORT, so no one-time password is lost', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'ctp-port-'));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const platform = startPlatformProcess({ EMBEDDED_DB_DIR: empty, PORT: String(port) });
      const exit = await platform.exited;
      expect(exit.code).toBe(1);
      expect(platform.output()).toContain(`Port ${port} is already in use: stop what uses it, or set PORT to another port`);
      expect(platform.output()).not.toMatch(/one-time password/);
      expect(existsSync(join(empty, 'pgdata'))).toBe(false);
    } finally {
      taken.close();
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('keeps sessions valid across a restart without JWT_SECRET: the secret it made is kept beside its data', async () => {
    const settings = { EMBEDDED_DB_DIR: folder, ADMIN_PASSWORD: TEST_ADMIN_PASSWORD };
    const first = startPlatformProcess(settings);
    let token: string;
    try {
      const { accessToken } = await login(await listening(first), 'admin', TEST_ADMIN_PASSWORD);
      token = accessToken;
      first.child.kill('SIGTERM');
      await first.exited;
    } finally {
      first.child.kill('SIGKILL');
    }
    expect((await stat(join(folder, 'secrets', 'jwt-secret'))).mode & 0o777).toBe(0o600);
    const second = startPlatformProcess(settings);
    try {
      const url = await listening(second);
      await request(url).get('/security/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
