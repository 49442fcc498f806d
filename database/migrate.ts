import 'reflect-metadata';
import { loadPlatformConfig } from '../libs/config/src/index.js';
import { DatabaseConnection, runMigrations } from '../libs/database/src/index.js';

/**
 * `node dist/database/migrate.js run|revert`: the same connection rules as the platform (embedded, or
 * DATABASE_MIGRATION_URL, else DATABASE_URL), as the schema owner.
 */
async function main(command: string | undefined): Promise<void> {
  if (command !== 'run' && command !== 'revert') {
    console.error('usage: migrate.js run|revert');
    process.exit(2);
  }
  const config = loadPlatformConfig(process.env, { DB_MIGRATIONS_RUN: 'false' });
  const connection = await DatabaseConnection.open(config, { applicationName: 'migrations', as: 'owner' });
  try {
    if (command === 'run') await runMigrations(connection.dataSource);
    else await connection.dataSource.undoLastMigration({ transaction: 'each' });
    const applied = await connection.dataSource.query('SELECT name FROM schema_migrations ORDER BY id');
    console.log(`Applied migrations: ${applied.map((row: { name: string }) => row.name).join(', ') || '(none)'}`);
  } finally {
    await connection.close();
  }
}

await main(process.argv[2]);
