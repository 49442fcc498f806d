import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Redis } from 'ioredis';
import { ensurePlatformRoles, type PlatformRoles, urlAs } from '../../libs/database/src/index.js';

export interface BenchDatabase {
  name: string;
  /** The services' login (ctp_runtime), as in production. */
  url: string;
  /** The schema owner's login, for migrations. */
  migrationUrl: string;
  drop(): Promise<void>;
}

async function asAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database of the bench's own, so figures never include other data and nothing is left behind. */
export async function createBenchDatabase(adminUrl: string, name: string): Promise<BenchDatabase> {
  if (!/^ctp_bench_[0-9a-f]+$/.test(name)) throw new Error(`unexpected bench database name ${name}`);
  const roles: PlatformRoles = {
    owner: { name: 'ctp_bench_owner', password: randomBytes(12).toString('hex') },
    runtime: { name: 'ctp_bench_app', password: randomBytes(12).toString('hex') },
  };
  await asAdmin(adminUrl, async (client) => {
    await ensurePlatformRoles(client, roles);
    await client.query(`CREATE DATABASE ${name} OWNER ${roles.owner.name}`);
  });
  return {
    name,
    url: urlAs(adminUrl, roles.runtime, name),
    migrationUrl: urlAs(adminUrl, roles.owner, name),
    // FORCE: a platform killed mid-run may still hold connections.
    drop: () => asAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function serverVersions(adminUrl: string, redis: Redis): Promise<{ postgres: string; redis: string }> {
  const postgres = await asAdmin(adminUrl, (client) => client.query<{ server_version: string }>('SHOW server_version'));
  const info = await redis.info('server');
  return { postgres: postgres.rows[0].server_version, redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
}

/** SCAN, not KEYS: the Redis may be shared, and KEYS blocks it. */
export async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  if (prefix.length < 8) throw new Error(`refusing to delete keys under the short prefix "${prefix}"`);
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}
