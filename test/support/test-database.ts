import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePlatformRoles, type PlatformRoles, urlAs } from '../../libs/database/src/index.js';
import { serversFromEnv } from './servers.js';

export interface TestDatabase {
  /** Where the services connect: a login in ctp_runtime, as in production. */
  url: string;
  /** Where migrations connect: the schema owner (not a superuser). */
  migrationUrl: string;
  /** This database as the server's superuser (an attacker with full access, or white-box checks). */
  superuserUrl: string;
  name: string;
  /** Runs SQL in this database as the server's superuser (white-box checks, or tampering as an attacker with full access). */
  admin(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  /** Runs SQL as the superuser outside this database (e.g. to cut it off: ALTER DATABASE, pg_terminate_backend). */
  server(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

/** The roles every test database uses, made once per server (roles belong to the whole server). */
export const TEST_ROLES: PlatformRoles = {
  owner: { name: 'ctp_test_owner', password: 'ctp-test-owner-password' },
  runtime: { name: 'ctp_test_app', password: 'ctp-test-app-password' },
};

function superuserUrlOf(database?: string): string {
  const url = new URL(serversFromEnv().postgresAdminUrl);
  if (database) url.pathname = `/${database}`;
  return url.toString();
}

/** Runs SQL as the superuser of the test server, on `database` (default: the one in the admin URL). */
export async function asSuperuser(sql: string, params?: unknown[], database?: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: superuserUrlOf(database) });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

export async function ensureTestRoles(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await ensurePlatformRoles(client, TEST_ROLES);
  } finally {
    await client.end();
  }
}

/** A database of its own for one test file, dropped afterwards, so runs never see each other's data. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { postgresAdminUrl } = serversFromEnv();
  const name = `ctp_test_${randomBytes(6).toString('hex')}`;
  await asSuperuser(`CREATE DATABASE ${name} OWNER ${TEST_ROLES.owner.name}`);
  return {
    url: urlAs(postgresAdminUrl, TEST_ROLES.runtime, name),
    migrationUrl: urlAs(postgresAdminUrl, TEST_ROLES.owner, name),
    superuserUrl: superuserUrlOf(name),
    name,
    admin: (sql, params) => asSuperuser(sql, params, name),
    server: (sql, params) => asSuperuser(sql, params),
    drop: async () => {
      await asSuperuser(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export function uniqueCachePrefix(): string {
  return `ctp_test_${randomBytes(6).toString('hex')}:`;
}
