import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { PlatformConfig } from '../../../config/src/index.js';
import { MIGRATIONS } from '../../../../database/migrations/index.js';
import { ENTITIES } from '../entities/index.js';
import { EmbeddedPostgres } from '../embedded/embedded-postgres.js';
import { redactUrl } from './redact-url.js';

const EMBEDDED_DATABASE_NAME = 'clinical_trials';
/** Arbitrary constant: serialises migration runs of processes that start together (split mode). */
const MIGRATION_LOCK_ID = 7_301_952;

export interface ConnectionOptions {
  applicationName: string;
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
    let url = config.DATABASE_URL;
    let embedded: EmbeddedPostgres | undefined;
    let description: string;
    if (url) {
      description = `PostgreSQL at ${redactUrl(url)}`;
    } else {
      embedded = new EmbeddedPostgres(resolve(config.EMBEDDED_DB_DIR));
      await embedded.start();
      url = await ensureDatabase(embedded.url, EMBEDDED_DATABASE_NAME).catch(async (error: unknown) => {
        await embedded?.stop();
        throw error;
      });
      description = `embedded PostgreSQL (data in ${resolve(config.EMBEDDED_DB_DIR)}, port ${new URL(url).port})`;
    }
    const dataSource = createDataSource(url, config, options.applicationName);
    try {
      await dataSource.initialize();
      if (config.DB_MIGRATIONS_RUN) await runMigrations(dataSource);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
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

export function createDataSource(url: string, config: PlatformConfig, applicationName: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    applicationName,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize: config.DB_POOL_MAX,
    connectTimeoutMS: config.DB_CONNECT_TIMEOUT_MS,
    extra: {
      min: config.DB_POOL_MIN,
      statement_timeout: config.DB_STATEMENT_TIMEOUT_MS,
    },
  });
}

/** Applies pending migrations, holding an advisory lock so concurrent starters take turns. */
export async function runMigrations(dataSource: DataSource): Promise<void> {
  const lockRunner = dataSource.createQueryRunner();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations();
    for (const migration of applied) logger.log(`Applied migration ${migration.name}`);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lockRunner.release();
  }
}

async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

