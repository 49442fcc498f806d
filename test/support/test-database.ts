import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { serversFromEnv } from './servers.js';

export interface TestDatabase {
  url: string;
  name: string;
  /** Runs SQL as the admin (e.g. to cut the database off). */
  admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

/** A database of its own for one test file, dropped afterwards, so runs never see each other's data. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { postgresAdminUrl } = serversFromEnv();
  const name = `ctp_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string, params?: unknown[]) => {
    const client = new pg.Client({ connectionString: postgresAdminUrl });
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    admin,
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export function uniqueCachePrefix(): string {
  return `ctp_test_${randomBytes(6).toString('hex')}:`;
}
