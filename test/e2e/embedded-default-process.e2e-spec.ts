import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { isProcessAlive } from '../../libs/database/src/index.js';
import { TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { listening, startPlatformProcess } from '../support/platform-process.js';

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
});
