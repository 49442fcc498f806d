import { spawn, spawnSync } from 'node:child_process';
import { Socket } from 'node:net';
import { findFreePort } from '../../libs/database/src/index.js';
import { waitUntil } from './wait.js';

/** What the global set-up chose, handed to the test files through the environment. */
export interface TestServers {
  /** A PostgreSQL URL allowed to CREATE DATABASE; each test file makes its own database from it. */
  postgresAdminUrl: string;
  redisUrl: string;
}

export function serversFromEnv(): TestServers {
  const postgresAdminUrl = process.env.TEST_POSTGRES_ADMIN_URL;
  const redisUrl = process.env.TEST_REDIS_URL;
  if (!postgresAdminUrl || !redisUrl) throw new Error('Run the tests through `npm test`: the global set-up chooses the servers');
  return { postgresAdminUrl, redisUrl };
}

export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, host, () => finish(true));
  });
}

export function hasRedisServerBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A throwaway redis-server (no persistence) on a free port; resolves once it accepts connections. */
export async function startRedisServer(port?: number): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  const chosen = port ?? (await findFreePort());
  const child = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await waitUntil(() => portAnswers(chosen), 5_000);
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
