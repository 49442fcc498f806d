import { loadPlatformConfig } from '../libs/config/src/index.js';
import { DatabaseConnection, runMigrations } from '../libs/database/src/index.js';
import { MIGRATIONS } from '../database/migrations/index.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/** Tables every later migration keeps (they may add more). */
const CORE_TABLES = [
  'audit_chain', 'audit_events', 'audit_unsealed', 'auth_sessions', 'documents', 'mcp_context', 'patients', 'refresh_tokens', 'users', 'vital_signs',
];
const FIRST_MIGRATION_TABLES = ['audit_events', 'documents', 'mcp_context', 'patients', 'users', 'vital_signs'];

describe('database migrations', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await DatabaseConnection.open(
      loadPlatformConfig({}, { DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, DB_MIGRATIONS_RUN: 'false', DB_POOL_MIN: '1' }),
      { applicationName: 'migrations-spec', as: 'owner' },
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

  const applied = async (): Promise<string[]> =>
    ((await connection.dataSource.query('SELECT name FROM schema_migrations ORDER BY id')) as Array<{ name: string }>).map((row) => row.name);

  /** Reverts the newest migrations until `name` is the newest applied. */
  const revertTo = async (name: string | undefined): Promise<void> => {
    while ((await applied()).at(-1) !== name) await connection.dataSource.undoLastMigration({ transaction: 'each' });
  };
  const revertAll = () => revertTo(undefined);

  /** The tables of the whole schema, as the first full application made them. */
  let ALL_TABLES: string[];

  it('are listed oldest first, each with a timestamp of its own', () => {
    const stamps = MIGRATIONS.map((migration) => Number(/(\d{13})$/.exec(migration.name)?.[1]));
    expect(stamps.every(Number.isFinite)).toBe(true);
    expect(stamps).toEqual([...new Set(stamps)].sort((a, b) => a - b));
  });

  it('revert the newest first: after the first migration only its tables remain', async () => {
    await runMigrations(connection.dataSource);
    ALL_TABLES = await tables();
    expect(ALL_TABLES).toEqual(expect.arrayContaining(CORE_TABLES));
    await revertTo('InitialSchema1764100000000');
    expect(await tables()).toEqual(FIRST_MIGRATION_TABLES);
    await runMigrations(connection.dataSource);
    expect(await tables()).toEqual(ALL_TABLES);
  });

  it('apply in order, revert one by one back to an empty schema, and apply again', async () => {
    await runMigrations(connection.dataSource);
    expect(await tables()).toEqual(ALL_TABLES);
    await runMigrations(connection.dataSource);
    expect(await tables()).toEqual(ALL_TABLES);

    await revertAll();
    expect(await tables()).toEqual([]);

    await runMigrations(connection.dataSource);
    expect(await tables()).toEqual(ALL_TABLES);
  });

  it('let processes starting together on an empty database take turns instead of failing', async () => {
    await revertAll();
    expect(await tables()).toEqual([]);
    const others = await Promise.all(
      [1, 2, 3].map(() =>
        DatabaseConnection.open(
          loadPlatformConfig({}, { DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, DB_POOL_MIN: '1' }),
          { applicationName: 'starter' },
        ),
      ),
    );
    await Promise.all(others.map((other) => other.close()));
    expect(await tables()).toEqual(ALL_TABLES);
  });

  it('carry audit events chained before the sealing migration into the chain, still verifiable', async () => {
    await runMigrations(connection.dataSource);
    await revertTo('AuthAndAuditChain1764200000000');
    // Under that migration the insert trigger chains each event itself.
    await connection.dataSource.query(
      "INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('create', 'patient', 'a'), ('create', 'patient', 'b'), ('read', 'patient', 'a')",
    );
    await runMigrations(connection.dataSource);
    await connection.dataSource.query("INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('read', 'patient', 'b')");
    await connection.dataSource.query('SELECT audit_seal(NULL, true)');
    const [check] = await connection.dataSource.query(`
      SELECT count(*)::int AS links,
             count(*) FILTER (WHERE c.hash <> audit_link_hash(c.hash_version, c.previous_hash, e))::int AS wrong_hashes,
             count(*) FILTER (WHERE c.hash_version = 1)::int AS version_1,
             count(*) FILTER (WHERE c.previous_hash IS DISTINCT FROM c.prior)::int AS broken_links
        FROM (SELECT *, lag(hash) OVER (ORDER BY position) AS prior FROM audit_chain) c
        JOIN audit_events e ON e.seq = c.event_seq`);
    // The three links made before keep hash version 1; the one sealed after the canonical-hash migration has version 2.
    expect(check).toEqual({ links: 4, wrong_hashes: 0, broken_links: 0, version_1: 3 });
  });


  it('refuse to revert the canonical hash while version-2 links exist (they would fail verification)', async () => {
    // The test above sealed one link with version 2.
    await revertTo('AuditHashCanonical1764800000000');
    await expect(connection.dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(/version-2 links/);
    expect((await applied()).at(-1)).toBe('AuditHashCanonical1764800000000');
  });

  it('refuse to revert the quarantine while it holds audit events', async () => {
    const fresh = await createTestDatabase();
    const owner = await DatabaseConnection.open(
      loadPlatformConfig({}, { DATABASE_URL: fresh.url, DATABASE_MIGRATION_URL: fresh.migrationUrl, DB_MIGRATIONS_RUN: 'false', DB_POOL_MIN: '0' }),
      { applicationName: 'migrations-spec-quarantine', as: 'owner' },
    );
    try {
      await runMigrations(owner.dataSource);
      while (((await owner.dataSource.query('SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1')) as Array<{ name: string }>)[0].name !== 'AuditQuarantine1764500000000') {
        await owner.dataSource.undoLastMigration({ transaction: 'each' });
      }
      await owner.dataSource.query(`INSERT INTO audit_quarantine (event, error) VALUES ('{"action":"read"}', 'value too long')`);
      await expect(owner.dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(/audit_quarantine holds audit events/);
    } finally {
      await owner.close();
      await fresh.drop();
    }
  });
  it('refuse to revert the EDC trial design while it holds adverse events (reverting would lose them)', async () => {
    const fresh = await createTestDatabase();
    const owner = await DatabaseConnection.open(
      loadPlatformConfig({}, { DATABASE_URL: fresh.url, DATABASE_MIGRATION_URL: fresh.migrationUrl, DB_MIGRATIONS_RUN: 'false', DB_POOL_MIN: '0' }),
      { applicationName: 'migrations-spec-edc', as: 'owner' },
    );
    try {
      await runMigrations(owner.dataSource);
      await owner.dataSource.query(`
        WITH p AS (INSERT INTO patients (protocol_id, subject_number, treatment_arm) VALUES ('P1', 'M-001', 'Active') RETURNING id)
        INSERT INTO adverse_events (patient_id, term, body_system, onset_date, severity_grade, serious, relationship, outcome, action_taken)
        SELECT id, 'Nausea', 'Gastrointestinal disorders', '2026-01-02', 1, false, 'unlikely_related', 'recovered', 'none' FROM p`);
      // The migrations after it hold nothing here, so they revert; then the EDC trial design refuses.
      const last = async () => ((await owner.dataSource.query('SELECT name FROM schema_migrations ORDER BY timestamp DESC LIMIT 1')) as Array<{ name: string }>)[0].name;
      while ((await last()) !== 'EdcTrialDesign1764900000000') await owner.dataSource.undoLastMigration({ transaction: 'each' });
      await expect(owner.dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(/reverting would lose them/);
      expect(((await owner.dataSource.query('SELECT count(*)::int AS n FROM adverse_events')) as Array<{ n: number }>)[0].n).toBe(1);
    } finally {
      await owner.close();
      await fresh.drop();
    }
  });
});
