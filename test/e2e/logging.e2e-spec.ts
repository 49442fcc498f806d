import request from 'supertest';
import { asUser, login } from '../support/auth.js';
import { listening, type PlatformProcess, startPlatformProcess } from '../support/platform-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { findFreePort } from '../../libs/database/src/index.js';
import { waitUntil } from '../support/wait.js';

type LogLine = Record<string, unknown> & { level: string; msg: string; context?: string };

function logLines(started: PlatformProcess): LogLine[] {
  return started
    .output()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

async function stop(started: PlatformProcess): Promise<void> {
  started.child.kill('SIGTERM');
  await started.exited;
}

describe('the platform log (a process whose output is not a terminal)', () => {
  let database: TestDatabase;
  let first: PlatformProcess;
  let url: string;
  const requestId = 'log-test-request-1';
  const subject = 'LOGSECRET-007';
  let accessToken: string;
  let userId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    // development, as `npm start` runs, and no ADMIN_PASSWORD: the first start prints the one-time password.
    first = startPlatformProcess({ NODE_ENV: 'development', DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl });
    url = await listening(first);
    const password = /one-time password (\S+)/.exec(first.output())?.[1];
    if (!password) throw new Error(`no one-time password in the log:\n${first.output()}`);
    accessToken = (await login(url, 'admin', password)).accessToken;
    const admin = asUser(url, accessToken);
    userId = (await admin.get('/security/auth/me').expect(200)).body.id;
    await admin.get(`/edc/patients/${subject}/vitals?protocolId=RA001`).set('X-Request-Id', requestId).expect(404);
    await waitUntil(async () => first.output().includes(requestId));
  });

  afterAll(async () => {
    if (first) await stop(first);
    await database?.drop();
  });

  it('writes one JSON object per line, without colour codes', () => {
    expect(first.output()).not.toContain('\u001b[');
    expect(logLines(first).length).toBeGreaterThan(3);
    for (const line of logLines(first)) {
      expect(line).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) }));
    }
  });

  it('logs every request once it ends, with request id, user id, route template, status and duration', () => {
    const lines = logLines(first).filter((line) => line.requestId === requestId);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        requestId,
        userId,
        method: 'GET',
        route: '/edc/patients/:subjectId/vitals',
        status: 404,
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it('never writes the URL, query, token or a subject identifier', () => {
    expect(first.output()).not.toContain(subject);
    expect(first.output()).not.toContain('RA001');
    expect(first.output()).not.toContain(accessToken);
    expect(first.output()).not.toMatch(/authorization/i);
  });

  it('keeps the first start short: route mapping and module lines only at debug level, the one-time password a warning', () => {
    const startUp = logLines(first).filter((line) => typeof line.requestId !== 'string');
    expect(startUp.filter((line) => /Mapped \{|dependencies initialized/.test(line.msg))).toEqual([]);
    expect(startUp.filter((line) => line.context === 'FirstAdmin')).toEqual([
      expect.objectContaining({ level: 'warn', msg: expect.stringContaining('one-time password') }),
    ]);
    expect(startUp.length).toBeLessThan(15);
  });

  it('follows LOG_LEVEL: debug shows the route mapping, warn leaves out request lines', async () => {
    const verbose = startPlatformProcess({ LOG_LEVEL: 'debug', DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl });
    try {
      await listening(verbose);
      expect(logLines(verbose)).toContainEqual(expect.objectContaining({ level: 'debug', msg: expect.stringMatching(/^Mapped \{\/edc\/store-vitals, POST\}/) }));
    } finally {
      await stop(verbose);
    }
    // At warn level not even the "listening" line is written: the test picks the port and polls.
    const port = await findFreePort();
    const quiet = startPlatformProcess({ LOG_LEVEL: 'warn', PORT: String(port), DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl });
    try {
      const quietUrl = `http://127.0.0.1:${port}`;
      await waitUntil(async () => (await request(quietUrl).get('/health').catch(() => undefined))?.status === 200, 60_000, 200);
      expect(quiet.output()).toBe('');
    } finally {
      await stop(quiet);
    }
  });
});
