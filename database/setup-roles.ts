import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabaseOwnedBy, ensurePlatformRoles, type PlatformRoles, urlAs } from '../libs/database/src/index.js';

/**
 * `node dist/database/setup-roles.js <superuser URL> [database]`: makes (or brings up to date) the
 * schema owner `ctp_owner`, the `ctp_runtime` group and the services' login `ctp_app` in it, with new
 * random passwords, and the database owned by `ctp_owner`; prints DATABASE_URL and
 * DATABASE_MIGRATION_URL for `export $(...)`. Safe to run again (the passwords change).
 */
async function main(superuserUrl: string | undefined, database = 'clinical_trials'): Promise<void> {
  if (!superuserUrl || !/^postgres(ql)?:\/\//.test(superuserUrl) || !/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
    console.error('usage: setup-roles.js postgres://superuser@host:5432/postgres [database name, default clinical_trials]');
    process.exit(2);
  }
  const roles: PlatformRoles = {
    owner: { name: 'ctp_owner', password: randomBytes(18).toString('hex') },
    runtime: { name: 'ctp_app', password: randomBytes(18).toString('hex') },
  };
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    await ensurePlatformRoles(client, roles);
    const owner = await ensureDatabaseOwnedBy(client, database, roles.owner.name);
    if (owner !== roles.owner.name) {
      throw new Error(`database ${database} already exists, owned by ${owner}: run ALTER DATABASE ${database} OWNER TO ctp_owner and reassign its tables, or name another database`);
    }
  } finally {
    await client.end();
  }
  // Only the owner creates objects in the schema (PostgreSQL 14 and older let everyone by default).
  const databaseUrl = new URL(superuserUrl);
  databaseUrl.pathname = `/${database}`;
  const inDatabase = new pg.Client({ connectionString: databaseUrl.toString() });
  await inDatabase.connect();
  try {
    await inDatabase.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
  } finally {
    await inDatabase.end();
  }
  console.log(`DATABASE_URL=${urlAs(superuserUrl, roles.runtime, database)}`);
  console.log(`DATABASE_MIGRATION_URL=${urlAs(superuserUrl, roles.owner, database)}`);
}

try {
  await main(process.argv[2], process.argv[3]);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
