import { jest } from '@jest/globals';
import { ConflictException, NotFoundException } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditActor, AuditService } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { QueriesService } from './queries.service.js';
import type { QueriesRepository } from './queries.repository.js';
import type { QueryRow } from './query.row.js';

/** How a move is written: on the locked row, in one transaction with its message and audit event (repository and audit replaced). */
describe('QueriesService moves', () => {
  const actor: AuditActor = { userId: 'u1', username: 'dm.jones', role: 'data_manager', clientAddress: '127.0.0.1', requestId: 'r1' };
  const manager = { id: 'u1', username: 'dm.jones', roles: ['data_manager'], siteIds: [] } as unknown as AuthenticatedUser;
  const ofS02 = { id: 'u2', username: 'inv.s02', roles: ['investigator'], siteIds: ['S02'] } as unknown as AuthenticatedUser;
  const transaction = { name: 'the transaction' } as unknown as EntityManager;
  const at = new Date('2026-11-01T10:00:00Z');
  const row = (overrides: Partial<QueryRow> = {}): QueryRow =>
    ({
      id: 'q1', protocol_id: 'RA001', site_id: 'S01', subject_id: 'S01-0001', status: 'answered', reopened_count: 0,
      opened_at: at, answered_at: at, closed_at: null, cancelled_at: null, updated_at: at, age_days: 3, ...overrides,
    }) as QueryRow;
  const repository = {
    lock: jest.fn(async (): Promise<QueryRow | null> => row()),
    applyChange: jest.fn(async () => row({ status: 'closed', closed_at: new Date('2026-11-02T10:00:00Z') })),
    addMessage: jest.fn(async () => undefined),
    thread: jest.fn(async () => []),
    studySites: jest.fn(async () => ['S01', 'S02']),
  };
  const audit = { record: jest.fn(async () => undefined) };
  const dataSource = { transaction: jest.fn(async (work: (db: EntityManager) => Promise<unknown>) => work(transaction)) };
  const service = new QueriesService(dataSource as unknown as DataSource, repository as unknown as QueriesRepository, audit as unknown as AuditService);

  beforeEach(() => jest.clearAllMocks());

  it('locks the row for the user\'s sites, then writes the change, the message and the audit event in that same transaction', async () => {
    await service.move('q1', 'close', 'Accepted', manager, actor);
    expect(repository.lock).toHaveBeenCalledWith(transaction, 'q1', null);
    expect(repository.applyChange).toHaveBeenCalledWith(transaction, 'q1', { status: 'closed', reopenedCount: 0, kind: 'close', stamps: ['closed_at'], clears: [] }, undefined);
    expect(repository.addMessage).toHaveBeenCalledWith(transaction, 'q1', 'close', 'Accepted', 'closed', actor);
    expect(audit.record).toHaveBeenCalledWith(transaction, actor, [
      {
        action: 'close',
        entityType: 'quality_query',
        entityId: 'q1',
        subject: 'S01-0001',
        changes: {
          status: { old: 'answered', new: 'closed' },
          closed_at: { old: null, new: '2026-11-02T10:00:00.000Z' },
          text: { old: null, new: 'Accepted' },
        },
        reason: 'Accepted',
      },
    ]);
  });

  it('looks the row up within a site-limited user\'s sites only, and answers 404 writing nothing when it is not there', async () => {
    repository.lock.mockResolvedValueOnce(null);
    await expect(service.move('q1', 'answer', 'Confirmed', ofS02, actor)).rejects.toThrow(NotFoundException);
    expect(repository.lock).toHaveBeenCalledWith(transaction, 'q1', ['S02']);
    for (const write of [repository.applyChange, repository.addMessage, audit.record]) expect(write).not.toHaveBeenCalled();
  });

  it('answers 409 naming the status and the allowed moves, writing nothing, for a move the status does not allow', async () => {
    repository.lock.mockResolvedValueOnce(row({ status: 'cancelled' }));
    const refused = service.move('q1', 'reopen', 'again', manager, actor);
    await expect(refused).rejects.toThrow(ConflictException);
    await expect(refused).rejects.toThrow("The query is cancelled: it cannot take 'reopen'; cancelled is final, no move is allowed; nothing was changed");
    for (const write of [repository.applyChange, repository.addMessage, audit.record]) expect(write).not.toHaveBeenCalled();
  });

  it('refuses an assignment to a site outside the query\'s study before writing anything', async () => {
    repository.lock.mockResolvedValueOnce(row({ status: 'open' }));
    await expect(service.assign('q1', { site_id: 'S09' }, manager, actor)).rejects.toThrow('"S09" is not a site of study RA001 (its sites: S01, S02)');
    for (const write of [repository.applyChange, repository.addMessage, audit.record]) expect(write).not.toHaveBeenCalled();
  });
});
