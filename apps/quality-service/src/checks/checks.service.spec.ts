import { jest } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditService } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import type { PlatformConfig } from '../../../../libs/config/src/index.js';
import type { QueryOpener } from '../queries/query-opener.js';
import type { CheckLibraries } from './check-libraries.js';
import type { ChecksRepository } from './checks.repository.js';
import { ChecksService, MAX_QUERIES_PER_RUN } from './checks.service.js';
import { ruleLibrarySha256 } from '../rules/library-digest.js';
import type { DeadlineTransactions, WorkDeadline } from '../../../../libs/database/src/index.js';
import type { RunsRepository } from './runs.repository.js';

/** A run's guards, with the database replaced (the SQL itself is specified against a real database). */
describe('ChecksService.run', () => {
  const user = (siteIds: string[] = []): AuthenticatedUser => ({ id: 'u1', username: 'dm', roles: ['data_manager'], siteIds }) as unknown as AuthenticatedUser;
  const actor = { userId: 'u1', username: 'dm', role: 'data_manager', clientAddress: null, requestId: null };
  const rules = [{ id: 'R1', type: 'range', field: 'SystolicBP', min: 1, max: 2, severity: 'minor', message: 'm' }];

  /** A fake answering `value` to any call, keeping its calls. */
  const resolves = <T>(value: T) => jest.fn(async (..._args: unknown[]) => value);

  function service(toOpen: number, options: { studyExists?: boolean; subjectSite?: string | null; locked?: boolean; sitesRead?: string[] } = {}) {
    const calls: string[] = [];
    const noted = <T>(name: string, value: T) => jest.fn(async (..._args: unknown[]) => (calls.push(name), value));
    const db = { query: resolves([]) } as unknown as EntityManager;
    const transactions = {
      run: jest.fn((deadline: WorkDeadline, _isolation: string, work: (db: EntityManager, checkpoint: () => void) => Promise<unknown>) =>
        work(db, () => {
          if (deadline.signal?.aborted) throw deadline.tooLate();
        }),
      ),
    };
    const checks = {
      studyExists: resolves(options.studyExists ?? true),
      subjectSite: resolves(options.subjectSite),
      computeRun: noted('computeRun', {
        rowsChecked: 1,
        subjectsChecked: 1,
        total: toOpen,
        bySeverity: { critical: 0, major: toOpen, minor: 0 },
        byRule: {},
        sitesRead: options.sitesRead ?? ['S01'],
      }),
    };
    const startedAt = new Date('2026-01-01T00:00:00Z');
    const runs = { takeStudy: noted('takeStudy', options.locked === false ? null : startedAt), insert: noted('insert', { id: 'run-1' }) };
    const libraries = { current: resolves({ protocolId: 'P', version: 3, rules }) };
    const opener = { countToOpen: resolves(toOpen), openFromRun: noted('openFromRun', toOpen) };
    const audit = { record: noted('audit', undefined) };
    const config = { DEFAULT_PROTOCOL_ID: 'DEFAULT' } as PlatformConfig;
    const subject = new ChecksService(
      {} as DataSource,
      checks as unknown as ChecksRepository,
      runs as unknown as RunsRepository,
      libraries as unknown as CheckLibraries,
      opener as unknown as QueryOpener,
      audit as unknown as AuditService,
      config,
      transactions as unknown as DeadlineTransactions,
    );
    return { subject, checks, runs, opener, audit, calls, startedAt };
  }

  it(`refuses (422) a run that would open more than ${MAX_QUERIES_PER_RUN} queries, before anything is written`, async () => {
    const { subject, runs, opener, audit } = service(MAX_QUERIES_PER_RUN + 1);
    await expect(subject.run({ study: 'P' }, user(), actor)).rejects.toMatchObject({ status: 422, message: expect.stringContaining('nothing was stored') });
    expect(runs.insert).not.toHaveBeenCalled();
    expect(opener.openFromRun).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('stores a run at the limit with its version, rules digest and count; the run row is written last, with the time the study was taken', async () => {
    const { subject, runs, opener, audit, calls, startedAt } = service(MAX_QUERIES_PER_RUN);
    await subject.run({ study: 'P' }, user(), actor);
    const stored = runs.insert.mock.calls[0][1] as { id: string };
    expect(stored).toMatchObject({ protocolId: 'P', rulesVersion: 3, rulesSha256: ruleLibrarySha256(rules as never), queriesOpened: MAX_QUERIES_PER_RUN, siteIds: null, startedAt });
    expect(opener.openFromRun).toHaveBeenCalledWith(expect.anything(), stored.id, actor, MAX_QUERIES_PER_RUN);
    expect(audit.record.mock.calls[0][2]).toEqual([expect.objectContaining({ action: 'run', entityType: 'quality_run', entityId: stored.id })]);
    expect(calls).toEqual(['takeStudy', 'computeRun', 'openFromRun', 'audit', 'insert']);
  });

  it('answers 409 without waiting or writing when another run of the study holds it', async () => {
    const { subject, checks, runs, opener } = service(0, { locked: false });
    await expect(subject.run({ study: 'P' }, user(), actor)).rejects.toMatchObject({
      status: 409,
      message: 'A run of study P is in progress; try again when it has finished',
    });
    expect(checks.computeRun).not.toHaveBeenCalled();
    expect(opener.openFromRun).not.toHaveBeenCalled();
    expect(runs.insert).not.toHaveBeenCalled();
  });

  it("answers a site-limited user's site of another, and a missing study, with the same 404, reading nothing", async () => {
    const limited = service(0);
    await expect(limited.subject.run({ study: 'P', site: 'S02' }, user(['S01']), actor)).rejects.toMatchObject({ status: 404 });
    expect(limited.checks.computeRun).not.toHaveBeenCalled();
    const missing = service(0, { studyExists: false });
    await expect(missing.subject.run({ study: 'P' }, user(['S01']), actor)).rejects.toMatchObject({ status: 404 });
    expect(missing.checks.computeRun).not.toHaveBeenCalled();
  });

  it("limits a site-limited user's run to their sites and records them as the sites read", async () => {
    const { subject, checks, runs } = service(0);
    await subject.run({ study: 'P' }, user(['S01', 'S03']), actor);
    expect(checks.computeRun.mock.calls[0][1]).toEqual({ protocolId: 'P', siteIds: ['S01', 'S03'], subjectId: null, datasetId: null });
    expect(runs.insert.mock.calls[0][1]).toMatchObject({ siteIds: ['S01', 'S03'] });
  });

  it('records the site asked for, and for a dataset the sites its vitals were read at', async () => {
    const bySite = service(0);
    await bySite.subject.run({ study: 'P', site: 'S02' }, user(), actor);
    expect(bySite.runs.insert.mock.calls[0][1]).toMatchObject({ siteIds: ['S02'] });
    const byDataset = service(0, { sitesRead: ['S01', 'S02'] });
    await byDataset.subject.run({ study: 'P', dataset_id: '00000000-0000-4000-8000-000000000001' }, user(), actor);
    expect(byDataset.runs.insert.mock.calls[0][1]).toMatchObject({ siteIds: ['S01', 'S02'] });
  });

  it("records a one-subject run as read at the subject's site, whoever runs it", async () => {
    const { subject, runs } = service(0, { subjectSite: 'S02' });
    await subject.run({ study: 'P', subject: 'P-7' }, user(), actor);
    expect(runs.insert.mock.calls[0][1]).toMatchObject({ siteIds: ['S02'], subjectId: 'P-7' });
  });

  it("answers 404 for a subject the study does not have, or of a site the runner may not see, writing nothing", async () => {
    const unknown = service(0, { subjectSite: undefined });
    await expect(unknown.subject.run({ study: 'P', subject: 'P-404' }, user(), actor)).rejects.toMatchObject({ status: 404 });
    const foreign = service(0, { subjectSite: 'S02' });
    await expect(foreign.subject.run({ study: 'P', subject: 'P-7' }, user(['S01']), actor)).rejects.toMatchObject({ status: 404 });
    const otherSite = service(0, { subjectSite: 'S02' });
    await expect(otherSite.subject.run({ study: 'P', subject: 'P-7', site: 'S01' }, user(), actor)).rejects.toMatchObject({ status: 404 });
    for (const { runs, checks } of [unknown, foreign, otherSite]) {
      expect(checks.computeRun).not.toHaveBeenCalled();
      expect(runs.insert).not.toHaveBeenCalled();
    }
  });

  it('stops at its deadline before the next step and answers 503 saying nothing was stored', async () => {
    const deadline = new AbortController();
    const { subject, checks, runs, opener } = service(1);
    checks.computeRun.mockImplementationOnce(async () => {
      deadline.abort();
      return { rowsChecked: 1, subjectsChecked: 1, total: 1, bySeverity: { critical: 0, major: 1, minor: 0 }, byRule: {}, sitesRead: [] };
    });
    await expect(subject.run({ study: 'P' }, user(), actor, deadline.signal)).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining('nothing was stored'),
    });
    expect(opener.openFromRun).not.toHaveBeenCalled();
    expect(runs.insert).not.toHaveBeenCalled();
  });
});
