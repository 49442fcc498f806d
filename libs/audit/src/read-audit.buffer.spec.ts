import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { loadPlatformConfig } from '../../config/src/index.js';
import { DatabaseConnection } from '../../database/src/index.js';
import type { AuditActor } from './audit-event.js';
import { AuditService } from './audit.service.js';
import { ReadAuditBuffer } from './read-audit.buffer.js';

const reader: AuditActor = { userId: null, username: 'reader', role: 'monitor', clientAddress: '10.0.0.7', requestId: 'r-good' };
/** An actor the database cannot store (client_address is varchar(64)), as one that bypassed actorFrom. */
const unstorable: AuditActor = { ...reader, clientAddress: 'x'.repeat(80), requestId: 'r-bad' };

describe('ReadAuditBuffer against PostgreSQL', () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;
  const buffers: ReadAuditBuffer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await DatabaseConnection.open(
      loadPlatformConfig({}, { DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, DB_POOL_MIN: '1' }),
      { applicationName: 'read-audit-spec' },
    );
  });
  afterAll(async () => {
    for (const buffer of buffers) buffer.onModuleDestroy();
    await database?.server(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    await connection?.close();
    await database?.drop();
  });

  /** A buffer whose timer never fires during a test: the tests flush it themselves. */
  function newBuffer(maxFailureMs: number): ReadAuditBuffer {
    const config = loadPlatformConfig({}, { AUDIT_READ_FLUSH_MS: '60000', AUDIT_READ_MAX_FAILURE_MS: String(maxFailureMs) });
    const buffer = new ReadAuditBuffer(connection.dataSource, new AuditService(), connection, config);
    buffers.push(buffer);
    return buffer;
  }

  const readEvents = async (requestId: string) =>
    (await database.admin(`SELECT subject, client_address FROM audit_events WHERE action = 'read' AND request_id = $1 ORDER BY subject`, [requestId])).rows;

  const quarantinedFor = async (requestId: string) =>
    (await database.admin(`SELECT count(*)::int AS n FROM audit_quarantine WHERE event -> 'actor' ->> 'requestId' = $1`, [requestId])).rows[0].n;

  it('writes the good events of a batch the database refuses, and keeps the refused one in audit_quarantine with the reason', async () => {
    const buffer = newBuffer(0);
    buffer.recordRead(reader, [{ subject: 'Q-001', entityId: 'p-1' }]);
    buffer.recordRead(unstorable, [{ subject: 'Q-002', entityId: 'p-2' }]);
    buffer.recordRead(reader, [{ subject: 'Q-003', entityId: 'p-3' }]);
    await buffer.flush();

    expect(await readEvents('r-good')).toEqual([
      { subject: 'Q-001', client_address: '10.0.0.7' },
      { subject: 'Q-003', client_address: '10.0.0.7' },
    ]);
    expect(await readEvents('r-bad')).toEqual([]);
    const quarantined = (await database.admin('SELECT event, error, quarantined_at FROM audit_quarantine')).rows;
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0].event).toMatchObject({
      action: 'read',
      entityType: 'patient',
      entityId: 'p-2',
      subject: 'Q-002',
      actor: { username: 'reader', clientAddress: 'x'.repeat(80), requestId: 'r-bad' },
    });
    expect(quarantined[0].error).toMatch(/too long/);
    expect(quarantined[0].quarantined_at).toBeInstanceOf(Date);

    // Nothing is left to retry, and reads go on (even with a limit of 0): quarantining is not failing.
    await buffer.flush();
    expect((await database.admin('SELECT count(*)::int AS n FROM audit_quarantine')).rows[0].n).toBe(1);
    expect(() => buffer.recordRead(reader, [{ subject: 'Q-004', entityId: 'p-4' }])).not.toThrow();
    await buffer.flush();
  });

  describe('while the database is unreachable', () => {
    const cutOff = async () => {
      await database.server(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
      await database.server('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
    };
    const restore = () => database.server(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);

    it('keeps the events buffered and still serves reads within AUDIT_READ_MAX_FAILURE_MS', async () => {
      const buffer = newBuffer(3_600_000);
      const actor = { ...reader, requestId: 'r-within-limit' };
      await cutOff();
      try {
        buffer.recordRead(actor, [{ subject: 'D-001', entityId: 'p-1' }]);
        await buffer.flush();
        expect(() => buffer.recordRead(actor, [{ subject: 'D-002', entityId: 'p-2' }])).not.toThrow();
      } finally {
        await restore();
      }
      await buffer.flush();
      expect((await readEvents('r-within-limit')).map((row) => row.subject)).toEqual(['D-001', 'D-002']);
      // A lost connection is not the event's fault: nothing was quarantined.
      expect(await quarantinedFor('r-within-limit')).toBe(0);
    });

    it('refuses reads with 503 once it has failed longer than the limit, and accepts them again when the buffered events are written', async () => {
      const buffer = newBuffer(0);
      const actor = { ...reader, requestId: 'r-over-limit' };
      await cutOff();
      let refusal: unknown;
      try {
        buffer.recordRead(actor, [{ subject: 'E-001', entityId: 'p-1' }]);
        await buffer.flush();
        try {
          buffer.recordRead(actor, [{ subject: 'E-002', entityId: 'p-2' }]);
        } catch (error) {
          refusal = error;
        }
      } finally {
        await restore();
      }
      expect(refusal).toBeInstanceOf(ServiceUnavailableException);
      const refused = refusal as ServiceUnavailableException;
      expect(refused.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
      expect(refused.message).toMatch(/audit trail cannot be written/);

      await buffer.flush();
      // The read served before the limit was written; the refused one was never served, so never audited.
      expect((await readEvents('r-over-limit')).map((row) => row.subject)).toEqual(['E-001']);
      expect(await quarantinedFor('r-over-limit')).toBe(0);
      expect(() => buffer.recordRead(actor, [{ subject: 'E-003', entityId: 'p-3' }])).not.toThrow();
      await buffer.flush();
    });
  });
});
