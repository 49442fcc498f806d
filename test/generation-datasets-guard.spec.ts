import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type AuditActor, AuditService } from '../libs/audit/src/index.js';
import { loadPlatformConfig } from '../libs/config/src/index.js';
import { DatabaseConnection } from '../libs/database/src/index.js';
import { DatasetsRepository } from '../apps/data-generation-service/src/datasets/datasets.repository.js';
import type { TestDatabase } from './support/test-database.js';
import { type MigratedDatabase, openMigratedDatabase } from './support/migrated-database.js';

const REQUESTER: AuditActor = { userId: null, username: 'dm.requester', role: 'data_manager', clientAddress: '127.0.0.1', requestId: 'guard-1' };
const CANCELLER: AuditActor = { userId: null, username: 'admin.canceller', role: 'admin', clientAddress: '127.0.0.1', requestId: 'guard-2' };
const SYSTEM: AuditActor = { userId: null, username: 'system', role: null, clientAddress: null, requestId: null };

/**
 * What the services' own login may do to a generated dataset's record (white-box, as the runtime
 * role): the transitions the service makes pass, each ending audited; what a dataset was made from,
 * and a finished dataset's record, cannot be rewritten.
 */
describe('generated datasets\' records in the database', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let runtime: pg.Client;
  let opened: MigratedDatabase | undefined;
  let datasets: DatasetsRepository;

  beforeAll(async () => {
    opened = await openMigratedDatabase('generation-datasets-guard-spec');
    ({ database, connection, runtime } = opened);
    datasets = new DatasetsRepository(connection.dataSource, new AuditService());
  });
  afterAll(() => opened?.close());

  async function queued(): Promise<string> {
    const id = randomUUID();
    await datasets.insert({ id, protocolId: 'DEFAULT', method: 'rules', recipe: { method: 'rules', parameters: { seed: 1, sites: ['S01'] } }, actor: REQUESTER, rowsTotal: 8, subjectsTotal: 2 });
    return id;
  }

  async function stored(): Promise<string> {
    const id = await queued();
    expect(await datasets.start(id, 1)).toBe(true);
    expect(await datasets.markStored(connection.dataSource.manager, id, { manifest: { content_hash: 'sha256:aa' }, contentHash: 'sha256:aa', rows: 8, subjects: 2 })).toBe(true);
    return id;
  }

  const events = async (id: string) =>
    (await database.admin(`SELECT action, username, changes FROM audit_events WHERE entity_type = 'dataset' AND entity_id = $1 ORDER BY seq`, [id])).rows;

  /** Refused by the row's guard as a lack of privilege. */
  const refused = (sql: string, params: unknown[]) => expect(runtime.query(sql, params)).rejects.toMatchObject({ code: '42501' });

  it('lets the service\'s own steps through: queued, running, progress, back to the queue, running again, stored', async () => {
    const id = await queued();
    expect(await datasets.start(id, 1)).toBe(true);
    expect(await datasets.progress(id, 4, 1)).toBe(true);
    await datasets.markWaiting(id, 'attempt 1 failed (connection lost); another attempt follows');
    expect(await datasets.start(id, 2)).toBe(true);
    expect(await datasets.markStored(connection.dataSource.manager, id, { manifest: { content_hash: 'sha256:bb' }, contentHash: 'sha256:bb', rows: 8, subjects: 2 })).toBe(true);
    expect(await datasets.find(id)).toMatchObject({ state: 'stored', content_hash: 'sha256:bb', attempts: 2, cancelled_by: null });
  });

  it('audits a failure in the requester\'s name, with the reason, in the transaction that marks it failed', async () => {
    const id = await queued();
    expect(await datasets.start(id, 1)).toBe(true);
    expect(await datasets.markFailed(id, 'study DEFAULT is closed; nothing was stored')).toBe(true);
    expect(await events(id)).toEqual([
      {
        action: 'generate_failed',
        username: 'dm.requester',
        changes: { state: { old: 'running', new: 'failed' }, error: { old: null, new: 'study DEFAULT is closed; nothing was stored' } },
      },
    ]);
    expect(await datasets.markFailed(id, 'again')).toBe(false);
    expect(await events(id)).toHaveLength(1);
  });

  it('audits a failure the platform found itself (the sweep) in the system\'s name', async () => {
    const id = await queued();
    expect(await datasets.markFailed(id, 'abandoned', SYSTEM)).toBe(true);
    expect(await events(id)).toEqual([expect.objectContaining({ action: 'generate_failed', username: 'system' })]);
  });

  it('names who cancelled on the record and in the audit event, once', async () => {
    const id = await queued();
    expect(await datasets.cancel(id, CANCELLER)).toMatchObject({ state: 'cancelled', cancelled_by: CANCELLER });
    expect(await events(id)).toEqual([{ action: 'cancel', username: 'admin.canceller', changes: { state: { old: 'queued', new: 'cancelled' } } }]);
    expect(await datasets.cancel(id, CANCELLER)).toBeNull();
    expect(await events(id)).toHaveLength(1);
  });

  it.each([
    ['content hash', `UPDATE generation_datasets SET content_hash = 'sha256:forged' WHERE id = $1`],
    ['recipe', `UPDATE generation_datasets SET recipe = '{"method":"rules","parameters":{"seed":2}}' WHERE id = $1`],
    ['manifest', `UPDATE generation_datasets SET manifest = '{"content_hash":"sha256:forged"}' WHERE id = $1`],
    ['state', `UPDATE generation_datasets SET state = 'running' WHERE id = $1`],
    ['error', `UPDATE generation_datasets SET error = 'never stored' WHERE id = $1`],
  ])('refuses the runtime role a change of a stored dataset\'s %s', async (_what, sql) => {
    const id = await stored();
    await refused(sql, [id]);
    expect(await datasets.find(id)).toMatchObject({ state: 'stored', content_hash: 'sha256:aa', recipe: { method: 'rules', parameters: { seed: 1, sites: ['S01'] } } });
  });

  it('refuses any change of a failed or cancelled dataset\'s record', async () => {
    const failed = await queued();
    await datasets.markFailed(failed, 'refused');
    const cancelled = await queued();
    await datasets.cancel(cancelled, CANCELLER);
    await refused(`UPDATE generation_datasets SET state = 'queued', error = NULL WHERE id = $1`, [failed]);
    await refused(`UPDATE generation_datasets SET cancelled_by = NULL WHERE id = $1`, [cancelled]);
  });

  it.each([
    ['recipe', `UPDATE generation_datasets SET recipe = '{"method":"rules","parameters":{"seed":2}}' WHERE id = $1`],
    ['requester', `UPDATE generation_datasets SET actor = '{"username":"someone else"}' WHERE id = $1`],
    ['creation time', `UPDATE generation_datasets SET created_at = created_at - interval '1 day' WHERE id = $1`],
    ['protocol', `UPDATE generation_datasets SET protocol_id = 'OTHER' WHERE id = $1`],
    ['method', `UPDATE generation_datasets SET method = 'mvn' WHERE id = $1`],
  ])('refuses a change of an unfinished dataset\'s %s', async (_what, sql) => {
    const id = await queued();
    await refused(sql, [id]);
  });

  it.each([
    ['stored without running', `UPDATE generation_datasets SET state = 'stored' WHERE id = $1`],
    ['given a content hash before it is stored', `UPDATE generation_datasets SET content_hash = 'sha256:early' WHERE id = $1`],
    ['named cancelled by someone without being cancelled', `UPDATE generation_datasets SET cancelled_by = '{"username":"x"}' WHERE id = $1`],
  ])('refuses a queued dataset being %s', async (_what, sql) => {
    const id = await queued();
    await refused(sql, [id]);
  });

  it('refuses a dataset recorded as stored from the start', async () => {
    await refused(
      `INSERT INTO generation_datasets (id, protocol_id, method, recipe, actor, rows_total, subjects_total, state, content_hash)
       VALUES ($1, 'DEFAULT', 'rules', '{}', '{}', 0, 0, 'stored', 'sha256:forged')`,
      [randomUUID()],
    );
  });

  it('cannot be reverted (migration down) while it holds datasets', async () => {
    const owner = await DatabaseConnection.open(
      loadPlatformConfig({}, { DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, DB_MIGRATIONS_RUN: 'false', DB_POOL_MIN: '0' }),
      { applicationName: 'generation-datasets-guard-revert', as: 'owner' },
    );
    try {
      const last = async () => ((await owner.dataSource.query('SELECT name FROM schema_migrations ORDER BY timestamp DESC LIMIT 1')) as Array<{ name: string }>)[0].name;
      while ((await last()) !== 'GenerationDatasets1765100000000') await owner.dataSource.undoLastMigration({ transaction: 'each' });
      await expect(owner.dataSource.undoLastMigration({ transaction: 'each' })).rejects.toThrow(/generation_datasets holds generated datasets/);
      expect(await last()).toBe('GenerationDatasets1765100000000');
      expect((await database.admin('SELECT count(*)::int AS n FROM generation_datasets')).rows[0].n).toBeGreaterThan(0);
    } finally {
      await owner.close();
    }
  });
});
