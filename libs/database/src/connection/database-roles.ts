import { Logger } from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { RUNTIME_ROLE } from '../../../../database/migrations/1764400000000-least-privilege-runtime-role.js';

export { RUNTIME_ROLE };

/** A login role and its password. */
export interface RoleLogin {
  name: string;
  password: string;
}

/** The two login roles of an installation: one owns the schema and migrates it, one runs the services. */
export interface PlatformRoles {
  owner: RoleLogin;
  runtime: RoleLogin;
}

const logger = new Logger('Database');

/**
 * Creates (or brings up to date) the owner role, the `ctp_runtime` group and a runtime login in
 * it, as a superuser. Idempotent, and safe when several processes do it at once: roles belong to
 * the whole server.
 */
export async function ensurePlatformRoles(superuser: pg.Client, roles: PlatformRoles): Promise<void> {
  await ensureRole(superuser, RUNTIME_ROLE, 'NOLOGIN');
  for (const login of [roles.owner, roles.runtime]) {
    await ensureRole(superuser, login.name, 'LOGIN');
    await superuser.query(
      `ALTER ROLE ${pg.escapeIdentifier(login.name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD ${pg.escapeLiteral(login.password)}`,
    );
  }
  await superuser.query(`GRANT ${RUNTIME_ROLE} TO ${pg.escapeIdentifier(roles.runtime.name)}`);
}

async function ensureRole(superuser: pg.Client, name: string, options: string): Promise<void> {
  await superuser.query(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${pg.escapeLiteral(name)}) THEN
        CREATE ROLE ${pg.escapeIdentifier(name)} ${options};
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
}

/** Creates the database owned by `owner` when it is missing; answers the role that owns it. */
export async function ensureDatabaseOwnedBy(superuser: pg.Client, database: string, owner: string): Promise<string> {
  const existing = await superuser.query<{ owner: string }>(
    'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
    [database],
  );
  if (existing.rows.length > 0) return existing.rows[0].owner;
  await superuser.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} OWNER ${pg.escapeIdentifier(owner)}`);
  return owner;
}

/** The same server and database as `url`, as another login. */
export function urlAs(url: string, login: RoleLogin, database?: string): string {
  const result = new URL(url);
  result.username = encodeURIComponent(login.name);
  result.password = encodeURIComponent(login.password);
  if (database) result.pathname = `/${database}`;
  return result.toString();
}

export class UnsafeRuntimeRoleError extends Error {
  constructor(role: string, why: string) {
    super(
      `The services connect to PostgreSQL as "${role}", which ${why}: it could rewrite the audit trail. ` +
        `Connect them (DATABASE_URL) as a login that is a member of ${RUNTIME_ROLE}, and run migrations as the ` +
        'schema owner (DATABASE_MIGRATION_URL); the README shows how to create both.',
    );
    this.name = 'UnsafeRuntimeRoleError';
  }
}

/**
 * The runtime login must not be able to do what the audit trail's protections forbid: a superuser
 * bypasses triggers, and the owner of the tables can disable them. Refused in production, warned
 * about elsewhere (a developer's own database is often reached as its superuser).
 */
export async function checkRuntimeRole(dataSource: DataSource, production: boolean): Promise<void> {
  const [row] = (await dataSource.query(`
    SELECT current_user AS role, r.rolsuper AS superuser, r.rolcreaterole AS creates_roles,
           has_schema_privilege(current_user, 'public', 'CREATE') AS creates_objects,
           coalesce(pg_has_role(current_user, c.relowner, 'USAGE'), false) AS owns_audit_trail
      FROM pg_roles r
      LEFT JOIN pg_class c ON c.oid = to_regclass('audit_events')
     WHERE r.rolname = current_user`)) as Array<{
    role: string;
    superuser: boolean;
    creates_roles: boolean;
    creates_objects: boolean;
    owns_audit_trail: boolean;
  }>;
  const why = row.superuser
    ? 'is a superuser'
    : row.owns_audit_trail
      ? 'owns the audit tables'
      : row.creates_roles
        ? 'may create roles'
        : row.creates_objects
          ? 'may create objects in the schema (REVOKE CREATE ON SCHEMA public FROM PUBLIC)'
          : undefined;
  if (!why) return;
  const problem = new UnsafeRuntimeRoleError(row.role, why);
  if (production) throw problem;
  logger.warn(problem.message);
}
