import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedPostgres } from '../libs/database/src/embedded/embedded-postgres.js';
import { hasRedisServerBinary, portAnswers, startRedisServer } from './support/servers.js';
import { ensureTestRoles } from './support/test-database.js';

/**
 * `npm test`: chooses the servers for the whole run, then runs Jest with them.
 * DATABASE_URL / REDIS_URL when given; else PostgreSQL and Redis on their default local ports
 * when they answer; else an embedded PostgreSQL and a redis-server from PATH, started here and
 * stopped afterwards. Each test file then creates (and drops) its own database.
 */
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

const cleanups: Array<() => Promise<void>> = [];

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function choosePostgres(): Promise<[string, string]> {
  if (process.env.DATABASE_URL) return [process.env.DATABASE_URL, 'DATABASE_URL'];
  if (await postgresAnswers(LOCAL_POSTGRES)) return [LOCAL_POSTGRES, 'the local server on port 5432'];
  const folder = await mkdtemp(join(tmpdir(), 'ctp-test-pg-'));
  await chmod(folder, 0o755);
  const embedded = new EmbeddedPostgres(folder);
  await embedded.start();
  cleanups.push(async () => {
    await embedded.stop();
    await rm(folder, { recursive: true, force: true });
  });
  return [embedded.url, 'an embedded PostgreSQL started for this run'];
}

async function chooseRedis(): Promise<[string, string]> {
  if (process.env.REDIS_URL) return [process.env.REDIS_URL, 'REDIS_URL'];
  if (await portAnswers(6379)) return [LOCAL_REDIS, 'the local server on port 6379'];
  if (!hasRedisServerBinary()) {
    throw new Error(
      'The tests need Redis: set REDIS_URL, run Redis on 127.0.0.1:6379, or install the redis-server package ' +
        '(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) so the tests can start one.',
    );
  }
  const redis = await startRedisServer();
  cleanups.push(redis.stop);
  return [redis.url, 'a redis-server started for this run'];
}

/** Jest's own summary is not a format every CI reader knows; add the plain "N passed, N failed" line. */
async function printPlainSummary(resultsFile: string): Promise<void> {
  const results = JSON.parse(await readFile(resultsFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
  console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`);
}

function runJest(args: string[], env: NodeJS.ProcessEnv, resultsFile: string): Promise<number> {
  return new Promise((resolve) => {
    const jestArgs = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--json', `--outputFile=${resultsFile}`, ...args];
    const jest = spawn(process.execPath, jestArgs, {
      stdio: 'inherit',
      env,
    });
    jest.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const [redisUrl, redisSource] = await chooseRedis();
  const [postgresUrl, postgresSource] = await choosePostgres();
  // Once here, not per test file: roles belong to the whole server.
  await ensureTestRoles(postgresUrl);
  console.log(`Test servers: PostgreSQL from ${postgresSource}; Redis from ${redisSource}.`);
  const resultsFolder = await mkdtemp(join(tmpdir(), 'ctp-jest-'));
  cleanups.push(() => rm(resultsFolder, { recursive: true, force: true }));
  const resultsFile = join(resultsFolder, 'results.json');
  const code = await runJest(process.argv.slice(2), {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
    TEST_POSTGRES_ADMIN_URL: postgresUrl,
    TEST_REDIS_URL: redisUrl,
  }, resultsFile);
  await printPlainSummary(resultsFile).catch(() => undefined);
  return code;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error((error as Error).message);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
process.exit(exitCode);
