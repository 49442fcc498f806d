import { join, resolve } from 'node:path';
import { Logger, type Type } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { localSecret, type PlatformConfig } from '../../../config/src/index.js';
import { MIGRATIONS } from '../../../../database/migrations/index.js';
import { EmbeddedPostgres } from '../embedded/embedded-postgres.js';
import { checkRuntimeRole, ensureDatabaseOwnedBy, ensurePlatformRoles, type PlatformRoles, urlAs } from './database-roles.js';
import { PlatformPgClient } from './platform-pg-client.js';
import { redactUrl } from './redact-url.js';

const EMBEDDED_DATABASE_NAME = 'clinical_trials';
const EMBEDDED_OWNER = 'ctp_owner';
const EMBEDDED_RUNTIME = 'ctp_app';
/** Arbitrary constant: serialises migration runs of processes that start together (split mode). */
const MIGRATION_LOCK_ID = 7_301_952;

export interface ConnectionOptions {
  applicationName: string;
  /**
   * `runtime` (the services): DATABASE_URL, checked to be unable to alter the audit trail.
   * `owner` (migrations by hand): DATABASE_MIGRATION_URL, else DATABASE_URL.
   */
  as?: 'runtime' | 'owner';
  /** TypeORM entities of the services this process hosts: each service owns its own. */
  entities?: readonly Type[];
}

/** Where the runtime and the migrations connect. */
interface DatabaseUrls {
  runtime: string;
  owner: string;
}

const logger = new Logger('Database');

/**
 * The platform's one way to reach PostgreSQL: either the server in DATABASE_URL, or an
 * embedded PostgreSQL that this object starts and stops. Owns the TypeORM DataSource.
 */
export class DatabaseConnection {
  private readonly closeHooks: Array<() => Promise<void>> = [];

  private constructor(
    readonly dataSource: DataSource,
    readonly description: string,
    private readonly embedded?: EmbeddedPostgres,
  ) {}

  static async open(config: PlatformConfig, options: ConnectionOptions): Promise<DatabaseConnection> {
    let urls: DatabaseUrls;
    let embedded: EmbeddedPostgres | undefined;
    let description: string;
    if (config.DATABASE_URL) {
      urls = { runtime: config.DATABASE_URL, owner: config.DATABASE_MIGRATION_URL ?? config.DATABASE_URL };
      description = `PostgreSQL at ${redactUrl(config.DATABASE_URL)}`;
    } else {
      const folder = resolve(config.EMBEDDED_DB_DIR);
      embedded = new EmbeddedPostgres(folder);
      await embedded.start();
      urls = await prepareEmbeddedDatabase(embedded.url, join(folder, 'secrets')).catch(async (error: unknown) => {
        await embedded?.stop();
        throw error;
      });
      description = `embedded PostgreSQL (data in ${folder}, port ${new URL(urls.runtime).port})`;
    }
    const as = options.as ?? 'runtime';
    let dataSource: DataSource | undefined;
    try {
      if (config.DB_MIGRATIONS_RUN) await migrate(as === 'owner' ? undefined : urls.owner, config, options.applicationName);
      dataSource = createDataSource(urls[as], config, options.applicationName, options.entities);
      await dataSource.initialize();
      if (as === 'owner' && config.DB_MIGRATIONS_RUN) await runMigrations(dataSource);
      if (as === 'runtime') await checkRuntimeRole(dataSource, config.NODE_ENV === 'production');
    } catch (error) {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      throw error;
    }
    logger.log(`Using ${description}`);
    return new DatabaseConnection(dataSource, description, embedded);
  }

  /** Work that must still reach the database at shutdown (e.g. buffered audit events). */
  beforeClose(hook: () => Promise<void>): void {
    this.closeHooks.push(hook);
  }

  async close(): Promise<void> {
    for (const hook of this.closeHooks) await hook().catch((error: Error) => logger.error(`shutdown hook failed: ${error.message}`));
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}

export function createDataSource(url: string, config: PlatformConfig, applicationName: string, entities: readonly Type[] = []): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    applicationName,
    entities: [...entities],
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize: config.DB_POOL_MAX,
    connectTimeoutMS: config.DB_CONNECT_TIMEOUT_MS,
    extra: {
      Client: PlatformPgClient,
      min: config.DB_POOL_MIN,
      statement_timeout: config.DB_STATEMENT_TIMEOUT_MS,
      // A database that stops answering (hung, frozen, cut off without a reset) must not hold a
      // request or the shutdown without bound: queries give up on the client side too.
      query_timeout: config.DB_QUERY_TIMEOUT_MS || undefined,
      idle_in_transaction_session_timeout: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    },
  });
}

/** Applies pending migrations, holding an advisory lock so concurrent starters take turns. */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  const lockRunner = dataSource.createQueryRunner();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations();
    // One line, however many migrations a first start applies: the start-up log stays short.
    if (applied.length > 0) logger.log(`Applied ${applied.length} migration(s): ${applied.map((migration) => migration.name).join(', ')}`);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lockRunner.release();
  }
}

/** Applies pending migrations over connections of their own (one holds the lock, one migrates), as the schema owner. */
async function migrate(ownerUrl: string | undefined, config: PlatformConfig, applicationName: string): Promise<void> {
  if (!ownerUrl) return;
  // No time limits: a long migration is not a hang, and it holds the migration lock meanwhile.
  const unbounded = { DB_STATEMENT_TIMEOUT_MS: 0, DB_QUERY_TIMEOUT_MS: 0 };
  const dataSource = createDataSource(ownerUrl, { ...config, ...unbounded, DB_POOL_MIN: 0, DB_POOL_MAX: 2 }, `${applicationName}-migrations`);
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The embedded server's roles and database, made by its superuser: an owner role that migrates,
 * and a runtime login in ctp_runtime for the services, each with a password kept in `secrets`.
 * A database made before there were roles stays owned by the superuser, which then migrates it.
 */
async function prepareEmbeddedDatabase(superuserUrl: string, secrets: string): Promise<DatabaseUrls> {
  const roles: PlatformRoles = {
    owner: { name: EMBEDDED_OWNER, password: localSecret(secrets, 'owner-password', 18) },
    runtime: { name: EMBEDDED_RUNTIME, password: localSecret(secrets, 'runtime-password', 18) },
  };
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  let owner: string;
  try {
    await ensurePlatformRoles(client, roles);
    owner = await ensureDatabaseOwnedBy(client, EMBEDDED_DATABASE_NAME, roles.owner.name);
  } finally {
    await client.end();
  }
  const ownerUrl = new URL(superuserUrl);
  ownerUrl.pathname = `/${EMBEDDED_DATABASE_NAME}`;
  return {
    runtime: urlAs(superuserUrl, roles.runtime, EMBEDDED_DATABASE_NAME),
    owner: owner === roles.owner.name ? urlAs(superuserUrl, roles.owner, EMBEDDED_DATABASE_NAME) : ownerUrl.toString(),
  };
}
