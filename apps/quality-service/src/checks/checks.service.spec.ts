import { jest } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import type { PlatformConfig } from '../../../../libs/config/src/index.js';
import type { QueryOpener } from '../queries/query-opener.js';
import type { CheckLibraries } from './check-libraries.js';
import type { ChecksRepository } from './checks.repository.js';
import { ChecksService, MAX_QUERIES_PER_RUN } from './checks.service.js';
import type { RunsRepository } from './runs.repository.js';

/** A run's guards, with the database replaced (the SQL itself is specified against a real database). */
describe('ChecksService.run', () => {
  const user = (siteIds: string[] = []): AuthenticatedUser => ({ id: 'u1', username: 'dm', roles: ['data_manager'], siteIds }) as unknown as AuthenticatedUser;
  const actor = { userId: 'u1', username: 'dm', role: 'data_manager', clientAddress: null, requestId: null };

  /** A fake answering `value` to any call, keeping its calls. */
  const resolves = <T>(value: T) => jest.fn(async (..._args: unknown[]) => value);

  function service(toOpen: number, studyExists = true) {
    const db = { query: resolves([]) } as unknown as EntityManager;
    const dataSource = { transaction: jest.fn((_level: string, work: (db: EntityManager) => Promise<unknown>) => work(db)) } as unknown as DataSource;
    const checks = {
      studyExists: resolves(studyExists),
      computeRun: resolves({ rowsChecked: 1, subjectsChecked: 1, total: toOpen, bySeverity: { critical: 0, major: toOpen, minor: 0 }, byRule: {} }),
    };
    const runs = { insert: resolves({ id: 'run-1' }) };
    const libraries = { current: resolves({ protocolId: 'P', version: 3, rules: [] }) };
    const opener = { countToOpen: resolves(toOpen), openFromRun: resolves(toOpen) };
    const audit = { record: resolves(undefined) };
    const config = { DEFAULT_PROTOCOL_ID: 'DEFAULT' } as PlatformConfig;
    const subject = new ChecksService(
      dataSource,
      checks as unknown as ChecksRepository,
      runs as unknown as RunsRepository,
      libraries as unknown as CheckLibraries,
      opener as unknown as QueryOpener,
      audit as unknown as AuditService,
      config,
    );
    return { subject, checks, runs, opener, audit };
  }

  it(`refuses (422) a run that would open more than ${MAX_QUERIES_PER_RUN} queries, before anything is written`, async () => {
    const { subject, runs, opener, audit } = service(MAX_QUERIES_PER_RUN + 1);
    await expect(subject.run({ study: 'P' }, user(), actor)).rejects.toMatchObject({ status: 422, message: expect.stringContaining('nothing was stored') });
    expect(runs.insert).not.toHaveBeenCalled();
    expect(opener.openFromRun).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('stores a run at the limit with its version and count, opens its queries, and audits it', async () => {
    const { subject, runs, opener, audit } = service(MAX_QUERIES_PER_RUN);
    await subject.run({ study: 'P' }, user(), actor);
    expect(runs.insert.mock.calls[0][1]).toMatchObject({ protocolId: 'P', rulesVersion: 3, queriesOpened: MAX_QUERIES_PER_RUN, siteId: null });
    expect(opener.openFromRun).toHaveBeenCalledWith(expect.anything(), 'run-1', actor, MAX_QUERIES_PER_RUN);
    expect(audit.record.mock.calls[0][2]).toEqual([expect.objectContaining({ action: 'run', entityType: 'quality_run', entityId: 'run-1' })]);
  });

  it("answers a site-limited user's site of another, and a missing study, with the same 404, reading nothing", async () => {
    const limited = service(0);
    await expect(limited.subject.run({ study: 'P', site: 'S02' }, user(['S01']), actor)).rejects.toMatchObject({ status: 404 });
    expect(limited.checks.computeRun).not.toHaveBeenCalled();
    const missing = service(0, false);
    await expect(missing.subject.run({ study: 'P' }, user(['S01']), actor)).rejects.toMatchObject({ status: 404 });
    expect(missing.checks.computeRun).not.toHaveBeenCalled();
  });

  it("limits a site-limited user's run to their sites, naming the site when there is one", async () => {
    const { subject, checks, runs } = service(0);
    await subject.run({ study: 'P' }, user(['S01']), actor);
    expect(checks.computeRun.mock.calls[0][1]).toEqual({ protocolId: 'P', siteIds: ['S01'], subjectId: null, datasetId: null });
    expect(runs.insert.mock.calls[0][1]).toMatchObject({ siteId: 'S01' });
  });
});
