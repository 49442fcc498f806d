import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { isProcessAlive } from '../../libs/database/src/index.js';
import { TEST_ADMIN_PASSWORD } from '../support/auth.js';

/** The compiled platform (npm test builds it first), started as a new user starts it: no DATABASE_URL, no Redis. */
const MAIN = new URL('../../dist/apps/api-gateway/src/main.js', import.meta.url).pathname;

interface Started {
  child: ChildProcess;
  output: () => string;
  url?: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startPlatformProcess(folder: string): Started {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, EMBEDDED_DB_DIR: folder, PORT: '0', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function listening(started: Started, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening on (http:\/\/localhost:\d+)/.exec(started.output());
    if (match) return match[1];
    if (started.child.exitCode !== null || Date.now() > deadline) throw new Error(`platform did not start:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}


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
      const first = startPlatformProcess(folder);
      try {
        const url = await listening(first);
        expect(first.output()).toMatch(/Using embedded PostgreSQL \(data in .+, port \d+\)/);
        expect(first.output()).toContain('Using in-process memory cache');
        await request(url).get('/health').expect(200);
        const pid = Number((await readFile(join(folder, 'pgdata', 'postmaster.pid'), 'utf8')).split('\n')[0]);
        expect(isProcessAlive(pid)).toBe(true);

        const second = startPlatformProcess(folder);
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
