import { createRequire } from 'node:module';
import type { Db } from 'pg-boss';

/** The schema version the installed pg-boss runs against (its package.json says it). */
export function installedJobQueueSchemaVersion(): number {
  const manifest = createRequire(import.meta.url)('pg-boss/package.json') as { version: string; pgboss: { schema: number } };
  return manifest.pgboss.schema;
}

/**
 * The queue runs with `migrate: false` (the runtime role cannot change the schema), so a pg-boss
 * upgrade that moves its schema version needs a migration first. Said plainly here, before pg-boss's
 * own "requires migrations" stops the start.
 */
export async function assertJobQueueSchemaVersion(db: Db, schema: string): Promise<void> {
  const installed = installedJobQueueSchemaVersion();
  const { rows } = (await db.executeSql(`SELECT version FROM ${schema}.version`)) as { rows: Array<{ version: number | string }> };
  const inDatabase = rows.length ? Number(rows[0].version) : null;
  if (inDatabase === installed) return;
  const found = inDatabase === null ? 'no version row' : `version ${inDatabase}`;
  throw new Error(
    `The job queue's schema "${schema}" holds ${found}, but the installed pg-boss needs schema version ${installed}. ` +
      (inDatabase !== null && inDatabase < installed
        ? `pg-boss was upgraded: add a database migration that runs pg-boss's getMigrationPlans('${schema}', ${inDatabase}) and run the migrations, or install the pg-boss version the database was built with.`
        : `Install the pg-boss version the database was built with (or run pg-boss's getRollbackPlans in a migration).`),
  );
}
