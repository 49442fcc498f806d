import { jest } from '@jest/globals';
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditActor, AuditService } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { QueriesService } from './queries.service.js';
import type { OpenTwin, QueriesRepository } from './queries.repository.js';
import type { DirectoryUser } from './assignee.js';
import type { QueryRow } from './query.row.js';

/** How a move is written: on the locked row, in one transaction with its message and audit event (repository and audit replaced). */
describe('QueriesService moves', () => {
  const actor: AuditActor = { userId: 'u1', username: 'dm.jones', role: 'data_manager', clientAddress: '127.0.0.1', requestId: 'r1' };
  const manager = { id: 'u1', username: 'dm.jones', roles: ['data_manager'], siteIds: [] } as unknown as AuthenticatedUser;
  const ofS02 = { id: 'u2', username: 'inv.s02', roles: ['investigator'], siteIds: ['S02'] } as unknown as AuthenticatedUser;
  const investigatorOf = (siteIds: string[], overrides: Partial<DirectoryUser> = {}): DirectoryUser => ({
    id: 'u9', username: 'inv.hansen', roles: ['investigator'], site_ids: siteIds, active: true, ...overrides,
  });
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
    directoryUser: jest.fn(async (): Promise<DirectoryUser | null> => investigatorOf(['S01'])),
    findOpenTwin: jest.fn(async (): Promise<OpenTwin | null> => null),
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

  describe('re-opening beside an identical query', () => {
    const twin = { id: 'q2', status: 'open' as const, visible: true };
    afterEach(() => repository.lock.mockImplementation(async () => row()));

    it('answers 409 naming the open query on the same data point, writing nothing, when a closed query is re-opened', async () => {
      repository.lock.mockResolvedValueOnce(row({ status: 'closed' }));
      repository.findOpenTwin.mockResolvedValueOnce(twin);
      const refused = service.move('q1', 'reopen', 'Not explained', manager, actor);
      await expect(refused).rejects.toThrow(ConflictException);
      await expect(refused).rejects.toThrow(/Query q1 cannot be re-opened: an identical query on the same data point is open: q2;.*nothing was changed$/);
      expect(repository.findOpenTwin).toHaveBeenCalledWith('q1', null, transaction);
      for (const write of [repository.applyChange, repository.addMessage, audit.record]) expect(write).not.toHaveBeenCalled();
    });

    it('does not look for one when the query stays unresolved (an answered query re-opened) or leaves that state', async () => {
      repository.applyChange.mockResolvedValueOnce(row({ status: 'open' }));
      await service.move('q1', 'reopen', 'Not explained', manager, actor);
      await service.move('q1', 'close', 'Accepted', manager, actor);
      expect(repository.findOpenTwin).not.toHaveBeenCalled();
    });

    it('does not name a query the caller\'s sites do not hold', async () => {
      repository.lock.mockResolvedValueOnce(row({ status: 'closed' }));
      repository.findOpenTwin.mockResolvedValueOnce({ id: 'q2', status: 'answered', visible: false });
      const refused = await service.move('q1', 'reopen', 'Not explained', ofS02, actor).catch((e: unknown) => e as Error);
      expect(refused.message).toMatch(/is answered at a site you may not see/);
      expect(refused.message).not.toContain('q2');
    });

    it('answers 409 naming it when the database refuses the write because an identical query was opened after the check', async () => {
      repository.lock.mockResolvedValueOnce(row({ status: 'closed' }));
      repository.findOpenTwin.mockResolvedValueOnce(null).mockResolvedValueOnce(twin);
      const violation = Object.assign(new Error('duplicate key value violates unique constraint "quality_queries_one_open_idx"'), {
        driverError: { code: '23505', constraint: 'quality_queries_one_open_idx' },
      });
      repository.applyChange.mockRejectedValueOnce(violation);
      const refused = await service.move('q1', 'reopen', 'Not explained', manager, actor).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConflictException);
      expect((refused as Error).message).toMatch(/is open: q2/);
      // The second look is made after the failed transaction, outside it.
      expect(repository.findOpenTwin).toHaveBeenLastCalledWith('q1', null);
      expect(audit.record).not.toHaveBeenCalled();
    });

    it('lets any other database error through unchanged', async () => {
      repository.lock.mockResolvedValueOnce(row({ status: 'closed' }));
      const other = Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'another_index' });
      repository.applyChange.mockRejectedValueOnce(other);
      await expect(service.move('q1', 'reopen', 'Not explained', manager, actor)).rejects.toBe(other);
    });
  });

  describe('assign', () => {
    const writes = () => [repository.applyChange, repository.addMessage, audit.record];
    beforeEach(() => repository.lock.mockResolvedValue(row({ status: 'open' })));
    afterAll(() => repository.lock.mockImplementation(async () => row()));

    it('reads the user from the directory in the move\'s transaction and stores their id and username from there', async () => {
      await service.assign('q1', { user_id: 'u9', site_id: 'S01' }, manager, actor);
      expect(repository.directoryUser).toHaveBeenCalledWith(transaction, 'u9');
      expect(repository.applyChange).toHaveBeenCalledWith(transaction, 'q1', expect.objectContaining({ kind: 'assign' }), { userId: 'u9', username: 'inv.hansen', siteId: 'S01' });
      expect(repository.addMessage).toHaveBeenCalledWith(transaction, 'q1', 'assign', 'assigned to user inv.hansen (u9); assigned to site S01', 'open', actor);
    });

    it('takes a user of every site (no site_ids) for a query of any site', async () => {
      repository.directoryUser.mockResolvedValueOnce(investigatorOf([], { roles: ['monitor', 'data_manager'] }));
      await service.assign('q1', { user_id: 'u9' }, manager, actor);
      expect(repository.applyChange).toHaveBeenCalled();
    });

    it('answers 404 for a user the directory does not have, writing nothing', async () => {
      repository.directoryUser.mockResolvedValueOnce(null);
      const refused = service.assign('q1', { user_id: 'u404' }, manager, actor);
      await expect(refused).rejects.toThrow(NotFoundException);
      await expect(refused).rejects.toThrow('No user u404 in the user directory');
      for (const write of writes()) expect(write).not.toHaveBeenCalled();
    });

    it.each([
      ['deactivated', investigatorOf(['S01'], { active: false }), /user_id: user inv\.hansen \(u9\) is deactivated/],
      ['without a role that answers queries', investigatorOf(['S01'], { roles: ['monitor', 'statistician'] }), /holds no role that answers queries \(admin, data_manager, investigator\); their roles: monitor, statistician/],
      ['without any role', investigatorOf(['S01'], { roles: [] }), /their roles: none/],
      ['of another site', investigatorOf(['S02', 'S03']), /does not see the query's site S01 \(their sites: S02, S03\)/],
    ])('refuses a user %s with 400 saying so, writing nothing', async (_case, assignee, message) => {
      repository.directoryUser.mockResolvedValueOnce(assignee);
      const refused = service.assign('q1', { user_id: 'u9' }, manager, actor);
      await expect(refused).rejects.toThrow(BadRequestException);
      await expect(refused).rejects.toThrow(message);
      for (const write of writes()) expect(write).not.toHaveBeenCalled();
    });

    it('names every condition that fails, in the details of user_id', async () => {
      repository.directoryUser.mockResolvedValueOnce(investigatorOf(['S02'], { active: false, roles: ['agent'] }));
      const error = (await service.assign('q1', { user_id: 'u9' }, manager, actor).catch((e: unknown) => e)) as BadRequestException;
      const { details } = error.getResponse() as { details: Array<{ field: string; problems: string[] }> };
      expect(details).toEqual([{ field: 'user_id', problems: [expect.stringMatching(/deactivated/), expect.stringMatching(/no role that answers/), expect.stringMatching(/does not see the query's site S01/)] }]);
    });

    it('names to a site-limited caller only the assignee\'s sites that the caller sees', async () => {
      const managerOfS02andS03 = { id: 'u3', username: 'dm.s02', roles: ['data_manager'], siteIds: ['S02', 'S03'] } as unknown as AuthenticatedUser;
      repository.lock.mockResolvedValue(row({ status: 'open', site_id: 'S02' }));
      repository.directoryUser.mockResolvedValueOnce(investigatorOf(['S01', 'S03', 'S07']));
      const someShown = await service.assign('q1', { user_id: 'u9' }, managerOfS02andS03, actor).catch((e: unknown) => e as Error);
      expect(someShown.message).toBe(
        'Validation failed: user_id: user inv.hansen (u9) does not see the query\'s site S02 (their sites among yours: S03); nothing was changed',
      );
      expect(repository.lock).toHaveBeenCalledWith(transaction, 'q1', ['S02', 'S03']);
      for (const write of writes()) expect(write).not.toHaveBeenCalled();
    });

    it('never names to a site-limited caller a user who shares none of their sites: only the id sent and the conditions that fail', async () => {
      const managerOfS02andS03 = { id: 'u3', username: 'dm.s02', roles: ['data_manager'], siteIds: ['S02', 'S03'] } as unknown as AuthenticatedUser;
      repository.lock.mockResolvedValue(row({ status: 'open', site_id: 'S02' }));
      repository.directoryUser.mockResolvedValueOnce(investigatorOf(['S01', 'S07']));
      const ofOtherSites = await service.assign('q1', { user_id: 'u9' }, managerOfS02andS03, actor).catch((e: unknown) => e as Error);
      expect(ofOtherSites.message).toBe('Validation failed: user_id: user u9 cannot be assigned this query: the user does not see the query\'s site S02; nothing was changed');

      repository.directoryUser.mockResolvedValueOnce(investigatorOf(['S01'], { active: false, roles: ['monitor', 'statistician'] }));
      const error = (await service.assign('q1', { user_id: 'u9' }, managerOfS02andS03, actor).catch((e: unknown) => e)) as BadRequestException;
      const { details } = error.getResponse() as { details: Array<{ field: string; problems: string[] }> };
      expect(details).toEqual([
        {
          field: 'user_id',
          problems: [
            'user u9 cannot be assigned this query: the user is deactivated',
            'user u9 cannot be assigned this query: the user holds no role that answers queries (admin, data_manager, investigator)',
            'user u9 cannot be assigned this query: the user does not see the query\'s site S02',
          ],
        },
      ]);
      expect(JSON.stringify(error.getResponse())).not.toMatch(/inv\.hansen|monitor|statistician|S01|S07/);
      for (const write of writes()) expect(write).not.toHaveBeenCalled();
    });

    it('names to a site-limited caller a user of every site, with their roles (they see the caller\'s sites)', async () => {
      const managerOfS02 = { id: 'u3', username: 'dm.s02', roles: ['data_manager'], siteIds: ['S02'] } as unknown as AuthenticatedUser;
      repository.lock.mockResolvedValue(row({ status: 'open', site_id: 'S02' }));
      repository.directoryUser.mockResolvedValueOnce(investigatorOf([], { roles: ['monitor'] }));
      const refused = await service.assign('q1', { user_id: 'u9' }, managerOfS02, actor).catch((e: unknown) => e as Error);
      expect(refused.message).toBe(
        'Validation failed: user_id: user inv.hansen (u9) holds no role that answers queries (admin, data_manager, investigator); their roles: monitor; nothing was changed',
      );
    });

    it('refuses a user limited to sites for a query whose subject has no site', async () => {
      repository.lock.mockResolvedValue(row({ status: 'open', site_id: null }));
      await expect(service.assign('q1', { user_id: 'u9' }, manager, actor)).rejects.toThrow(/limited to some sites and the query has no site/);
      for (const write of writes()) expect(write).not.toHaveBeenCalled();
    });

    it('refuses a site other than the query\'s own, naming the query\'s site and no other, before writing anything', async () => {
      const refused = service.assign('q1', { site_id: 'S02' }, manager, actor);
      await expect(refused).rejects.toThrow('Validation failed: site_id: "S02" is not the query\'s site: a query is answered by its subject\'s site, S01; nothing was changed');
      repository.lock.mockResolvedValue(row({ status: 'open', site_id: null }));
      await expect(service.assign('q1', { site_id: 'S01' }, manager, actor)).rejects.toThrow(/the query's subject has no site/);
      for (const write of writes()) expect(write).not.toHaveBeenCalled();
    });

    it('removes a user assignment (null) without reading the directory', async () => {
      repository.lock.mockResolvedValue(row({ status: 'open', assigned_user_id: 'u9', assigned_username: 'inv.hansen' }));
      await service.assign('q1', { user_id: null }, manager, actor);
      expect(repository.directoryUser).not.toHaveBeenCalled();
      expect(repository.applyChange).toHaveBeenCalledWith(transaction, 'q1', expect.anything(), { userId: null, username: null });
    });

    it('refuses an assignment that changes nothing', async () => {
      repository.lock.mockResolvedValue(row({ status: 'open', assigned_user_id: 'u9', assigned_username: 'inv.hansen', assigned_site_id: 'S01' }));
      await expect(service.assign('q1', { user_id: 'u9', site_id: 'S01' }, manager, actor)).rejects.toThrow(/changes nothing/);
      for (const write of writes()) expect(write).not.toHaveBeenCalled();
    });
  });
});
