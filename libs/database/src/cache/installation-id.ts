import type { DataSource } from 'typeorm';

/**
 * The identity of the database this process reads from, made with the schema (migration
 * 1764700000000). Cache entries are keyed with it, so processes on different databases never
 * read each other's entries, whatever their Redis and key prefix.
 */
export async function readInstallationId(dataSource: DataSource): Promise<string> {
  const rows = (await dataSource.query('SELECT id FROM installation').catch((error: Error) => {
    throw new Error(`The database has no installation id (${error.message}): apply the migrations (npm run migration:run)`);
  })) as Array<{ id: string }>;
  if (rows.length !== 1) throw new Error('The database has no installation id: apply the migrations (npm run migration:run)');
  return rows[0].id;
}
