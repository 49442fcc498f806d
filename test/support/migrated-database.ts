import pg from 'pg';
import { loadPlatformConfig } from '../../libs/config/src/index.js';
import { DatabaseConnection } from '../../libs/database/src/index.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A test database of its own, migrated, with a client logged in as the services' runtime role. */
export interface MigratedDatabase {
  database: TestDatabase;
  /** The platform's own connection (it ran the migrations). */
  connection: DatabaseConnection;
  /** The services' database login, for white-box checks of what it can and cannot do. */
  runtime: pg.Client;
  close(): Promise<void>;
}

export async function openMigratedDatabase(applicationName: string): Promise<MigratedDatabase> {
  const database = await createTestDatabase();
  const connection = await DatabaseConnection.open(
    loadPlatformConfig({}, { DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, DB_POOL_MIN: '1' }),
    { applicationName },
  );
  const runtime = new pg.Client({ connectionString: database.url });
  await runtime.connect();
  return {
    database,
    connection,
    runtime,
    close: async () => {
      await runtime.end();
      await connection.close();
      await database.drop();
    },
  };
}
