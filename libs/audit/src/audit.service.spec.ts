import { BadRequestException } from '@nestjs/common';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { loadPlatformConfig } from '../../config/src/index.js';
import { DatabaseConnection } from '../../database/src/index.js';
import type { AuditActor } from './audit-event.js';
import { AuditService } from './audit.service.js';

const actor: AuditActor = { userId: null, username: 'tester', role: 'data_manager', clientAddress: '127.0.0.1', requestId: 'r-1' };

/** A database of its own, migrated, for one describe block. */
function useMigratedDatabase(): { connection: () => DatabaseConnection } {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await DatabaseConnection.open(loadPlatformConfig({}, { DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, DB_POOL_MIN: '1' }), {
      applicationName: 'audit-spec',
    });
  });
  afterAll(async () => {
    await connection?.close();
    await database?.drop();
  });
  return { connection: () => connection };
}

describe('AuditService against PostgreSQL', () => {
  const db = useMigratedDatabase();
  const audit = new AuditService();

  const count = async () => Number((await db.connection().dataSource.query('SELECT count(*) AS n FROM audit_events'))[0].n);

  it('writes many events with one statement inside the caller transaction; sealing chains them in order', async () => {
    await db.connection().dataSource.transaction((db) =>
      audit.record(db, actor, [
        { action: 'create', entityType: 'patient', entityId: 'p-1', subject: 'S-1' },
        { action: 'create', entityType: 'vital_sign', entityId: 'v-1', subject: 'S-1', changes: { heart_rate: { old: null, new: 72 } } },
      ]),
    );
    const pending = await db.connection().dataSource.query('SELECT count(*)::int AS n FROM audit_unsealed');
    expect(pending[0].n).toBe(2);
    const [{ sealed }] = await db.connection().dataSource.query('SELECT audit_seal(NULL, true) AS sealed');
    expect(sealed).toBe(2);
    const rows = await db.connection().dataSource.query(
      `SELECT e.seq, c.previous_hash, c.hash, e.username, e.request_id
         FROM audit_events e JOIN audit_chain c ON c.event_seq = e.seq ORDER BY c.position`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0].previous_hash).toBeNull();
    expect(rows[1].previous_hash).toBe(rows[0].hash);
    expect(rows[1]).toMatchObject({ username: 'tester', request_id: 'r-1' });
    const left = await db.connection().dataSource.query('SELECT count(*)::int AS n FROM audit_unsealed');
    expect(left[0].n).toBe(0);
  });

  it('rolls back with the transaction it belongs to', async () => {
    const before = await count();
    await expect(
      db.connection().dataSource.transaction(async (db) => {
        await audit.record(db, actor, [{ action: 'create', entityType: 'patient', entityId: 'p-2' }]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await count()).toBe(before);
  });

  it('refuses a change to captured clinical data without a reason for change', async () => {
    await expect(
      db.connection().dataSource.transaction((db) =>
        audit.record(db, actor, [{ action: 'update', entityType: 'vital_sign', entityId: 'v-1', changes: { heart_rate: { old: 72, new: 74 } } }]),
      ),
    ).rejects.toThrow(BadRequestException);
    await db.connection().dataSource.transaction((db) =>
      audit.record(db, actor, [
        { action: 'update', entityType: 'vital_sign', entityId: 'v-1', changes: { heart_rate: { old: 72, new: 74 } }, reason: 'transcription error' },
      ]),
    );
  });

  it('has the database itself refuse such an event written around the service', async () => {
    await expect(
      db.connection().dataSource.query(`INSERT INTO audit_events (action, entity_type, entity_id) VALUES ('delete', 'patient', 'p-1')`),
    ).rejects.toThrow(/audit_events_reason_for_change/);
  });
});

describe('audit sealing under concurrent writers', () => {
  const db = useMigratedDatabase();
  const audit = new AuditService();

  it('links every committed event exactly once, in one unforked chain, while writers and sealers run together', async () => {
    const writers = Array.from({ length: 8 }, (_, writer) =>
      (async () => {
        for (let batch = 0; batch < 10; batch += 1) {
          await db.connection().dataSource.transaction((db) =>
            audit.record(db, actor, Array.from({ length: 5 }, (_, n) => ({ action: 'create', entityType: 'patient', entityId: `w${writer}-${batch}-${n}` }))),
          );
        }
      })(),
    );
    const sealers = Array.from({ length: 3 }, async () => {
      for (let round = 0; round < 20; round += 1) await db.connection().dataSource.query('SELECT audit_seal(7, false)');
    });
    await Promise.all([...writers, ...sealers]);
    await db.connection().dataSource.query('SELECT audit_seal(NULL, true)');
    const [check] = await db.connection().dataSource.query(`
      SELECT (SELECT count(*)::int FROM audit_events) AS events,
             (SELECT count(*)::int FROM audit_chain) AS links,
             (SELECT count(DISTINCT event_seq)::int FROM audit_chain) AS linked_events,
             (SELECT count(*)::int FROM audit_chain WHERE previous_hash IS NULL) AS roots,
             (SELECT count(*)::int FROM (SELECT previous_hash FROM audit_chain GROUP BY previous_hash HAVING count(*) > 1) forks) AS forks`);
    expect(check).toEqual({ events: 400, links: 400, linked_events: 400, roots: 1, forks: 0 });
  });
});
