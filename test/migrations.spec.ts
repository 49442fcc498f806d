import { loadPlatformConfig } from '../libs/config/src/index.js';
import { DatabaseConnection, runMigrations } from '../libs/database/src/index.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const DESIGN_TABLES = ['audit_events', 'auth_sessions', 'documents', 'mcp_context', 'patients', 'refresh_tokens', 'users', 'vital_signs'];

describe('database migrations', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await DatabaseConnection.open(
      loadPlatformConfig({}, { DATABASE_URL: database.url, DB_MIGRATIONS_RUN: 'false', DB_POOL_MIN: '1' }),
      { applicationName: 'migrations-spec' },
    );
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });

  const tables = async (): Promise<string[]> =>
    (
      (await connection.dataSource.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY tablename",
      )) as Array<{ tablename: string }>
    ).map((row) => row.tablename);

  it('apply in order, revert one by one back to an empty schema, and apply again', async () => {
    await runMigrations(connection.dataSource);
    expect(await tables()).toEqual(DESIGN_TABLES);
    await runMigrations(connection.dataSource);
    expect(await tables()).toEqual(DESIGN_TABLES);

    await connection.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual(['audit_events', 'documents', 'mcp_context', 'patients', 'users', 'vital_signs']);
    await connection.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);

    await runMigrations(connection.dataSource);
    expect(await tables()).toEqual(DESIGN_TABLES);
  });

  it('let processes starting together on an empty database take turns instead of failing', async () => {
    await connection.dataSource.undoLastMigration({ transaction: 'each' });
    await connection.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables()).toEqual([]);
    const others = await Promise.all(
      [1, 2, 3].map(() =>
        DatabaseConnection.open(loadPlatformConfig({}, { DATABASE_URL: database.url, DB_POOL_MIN: '1' }), { applicationName: 'starter' }),
      ),
    );
    await Promise.all(others.map((other) => other.close()));
    expect(await tables()).toEqual(DESIGN_TABLES);
  });
});
