import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException, ServiceUnavailableException, UnprocessableEntityException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, AuditService } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { DeadlineTransactions } from '../../../../libs/database/src/index.js';
import { QueryOpener } from '../queries/query-opener.js';
import { parseRule } from '../rules/parse-rule.js';
import type { FindingRow, Rule, RuleLibrary, StoredScope } from '../../../../libs/edit-checks/src/index.js';
import { type TypedBatch, typeCheckBatch } from './batch-records.js';
import { CheckLibraries } from './check-libraries.js';
import { ChecksRepository } from './checks.repository.js';
import type { BatchFindingResponse, RunResponse, SeverityCounts, StoredFindingResponse, TryRuleResponse, ValidateBatchResponse } from './dto/check-responses.js';
import type { RunChecksDto, TryRuleDto, ValidateBatchDto } from './dto/check-requests.dto.js';
import { ruleLibrarySha256 } from '../rules/library-digest.js';
import { RunsRepository } from './runs.repository.js';

/** A batch names at most this many studies: each adds its whole library to the statement. */
export const MAX_STUDIES_PER_BATCH = 10;
/** A tried rule answers at most this many findings (with the total). */
export const MAX_TRIED_FINDINGS = 1_000;
/**
 * A run opens at most this many queries: each is a row, a message and an audit event, and a rule
 * that flags most records (a window or a limit set wrong) is better tried than opened 400,000 times
 * (which would also outlast the statement timeout).
 */
export const MAX_QUERIES_PER_RUN = 50_000;
/**
 * A run answers within this instead of REQUEST_TIMEOUT_MS (its work grows with the study: about
 * 10 s for 1,000,000 vitals); past it the run is stopped and rolled back, its 503 saying nothing
 * was stored. Its statements may each take up to this (statement_timeout, for its transaction).
 */
export const RUN_DEADLINE_MS = 120_000;
/** PostgreSQL's SQLSTATE for a regular expression it cannot compile. */
const INVALID_REGULAR_EXPRESSION = '2201B';

/**
 * Running the rules: on a supplied batch (nothing stored), a rule not saved yet on a batch or on
 * stored data, and a run over stored data that stores its findings and opens their queries. Every
 * path evaluates the same SQL, so the same data gives the same findings.
 */
@Injectable()
export class ChecksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly checks: ChecksRepository,
    private readonly runs: RunsRepository,
    private readonly libraries: CheckLibraries,
    private readonly opener: QueryOpener,
    private readonly audit: AuditService,
    private readonly config: PlatformConfig,
    private readonly transactions: DeadlineTransactions,
  ) {}

  async validate(body: ValidateBatchDto, user: AuthenticatedUser): Promise<ValidateBatchResponse> {
    const batch = this.typed(body.records, body.study, user);
    const findings = await this.readOnly(async (db) => {
      const libraries = await Promise.all(studiesOf(batch).map((protocolId) => this.libraries.current(db, protocolId)));
      return this.checks.batchFindings(db, batch.rows, libraries);
    });
    return { total: body.records.length, ...batchSummary(findings), invalid_records: batch.invalid };
  }

  async tryRule(body: TryRuleDto, user: AuthenticatedUser): Promise<TryRuleResponse> {
    const rule: Rule = { ...parseRule(body.rule, 'rule'), enabled: true };
    if (body.records) {
      const batch = this.typed(body.records, body.study, user);
      const libraries: RuleLibrary[] = studiesOf(batch).map((protocolId) => ({ protocolId, version: 0, rules: [rule] }));
      const findings = await this.readOnly((db) => this.checks.batchFindings(db, batch.rows, libraries));
      const { by_severity, findings: shown } = batchSummary(findings);
      return {
        records_checked: batch.rows.length,
        total: findings.length,
        by_severity,
        truncated: findings.length > MAX_TRIED_FINDINGS,
        findings: shown.slice(0, MAX_TRIED_FINDINGS),
        invalid_records: batch.invalid,
      };
    }
    const protocolId = body.study ?? this.config.DEFAULT_PROTOCOL_ID;
    const scope: StoredScope = { protocolId, siteIds: isSiteLimited(user) ? user.siteIds : null, subjectId: null, datasetId: null };
    const stored = await this.readOnly(async (db) => {
      if (!(await this.checks.studyExists(db, protocolId))) throw new NotFoundException(`No study ${protocolId}`);
      return this.checks.storedFindings(db, scope, [{ protocolId, version: 0, rules: [rule] }], MAX_TRIED_FINDINGS);
    });
    return {
      records_checked: stored.recordsChecked,
      total: stored.total,
      by_severity: stored.bySeverity,
      truncated: stored.total > stored.findings.length,
      findings: stored.findings.map(storedFinding),
    };
  }

  /**
   * One transaction: the findings computed in the database, the queries opened and the findings
   * stored, the run's audit event, and last the run's row (finished_at is when all of it was
   * written). One run of a study at a time (an advisory lock; a second one answers 409), so two
   * runs never open the same query twice or count each other's. Stopped and rolled back at the
   * run's deadline (`deadline`), its 503 then saying nothing was stored.
   */
  async run(body: RunChecksDto, user: AuthenticatedUser, actor: AuditActor, deadline?: AbortSignal): Promise<RunResponse> {
    const limited = isSiteLimited(user);
    const missing = new NotFoundException(`No study ${body.study}${limited ? ' at sites you may see' : ''}`);
    if (body.site !== undefined && limited && !user.siteIds.includes(body.site)) throw missing;
    const siteIds = body.site !== undefined ? [body.site] : limited ? user.siteIds : null;
    const scope: StoredScope = { protocolId: body.study, siteIds, subjectId: body.subject ?? null, datasetId: body.dataset_id ?? null };
    const runDeadline = { limitMs: RUN_DEADLINE_MS, signal: deadline, tooLate: runTooSlow };
    return this.transactions.run(runDeadline, 'READ COMMITTED', async (db, checkpoint) => {
      if (!(await this.checks.studyExists(db, body.study))) throw missing;
      const subjectSite = scope.subjectId === null ? undefined : await this.subjectSite(db, scope);
      checkpoint();
      const startedAt = await this.runs.takeStudy(db, body.study);
      if (startedAt === null) throw new ConflictException(`A run of study ${body.study} is in progress; try again when it has finished`);
      const library = await this.libraries.current(db, body.study);
      const rulesSha = ruleLibrarySha256(library.rules);
      checkpoint();
      const totals = await this.withRegexErrors(() => this.checks.computeRun(db, scope, library));
      checkpoint();
      const toOpen = await this.opener.countToOpen(db);
      if (toOpen > MAX_QUERIES_PER_RUN) {
        throw new UnprocessableEntityException(
          `This run would open ${toOpen} queries, more than ${MAX_QUERIES_PER_RUN} in one run: nothing was stored. ` +
            'Check the rules first (POST /quality/checks/try shows what a rule flags), or run one site or subject at a time',
        );
      }
      // The sites the run read: null only for a run over every site of the study.
      const readSites = subjectSite !== undefined ? [subjectSite] : (siteIds ?? (scope.datasetId !== null ? totals.sitesRead : null));
      const runId = randomUUID();
      checkpoint();
      await this.opener.openFromRun(db, runId, actor, toOpen);
      checkpoint();
      await this.audit.record(db, actor, [
        {
          action: 'run',
          entityType: 'quality_run',
          entityId: runId,
          changes: {
            scope: { old: null, new: { study: body.study, sites: readSites, subject: scope.subjectId, dataset_id: scope.datasetId } },
            rules_version: { old: null, new: library.version },
            rules_sha256: { old: null, new: rulesSha },
            rows_checked: { old: null, new: totals.rowsChecked },
            findings_total: { old: null, new: totals.total },
            queries_opened: { old: null, new: toOpen },
          },
        },
      ]);
      checkpoint();
      return this.runs.insert(db, {
        id: runId,
        protocolId: body.study,
        siteIds: readSites,
        subjectId: scope.subjectId,
        datasetId: scope.datasetId,
        rulesVersion: library.version,
        rulesSha256: rulesSha,
        runBy: actor.userId,
        runByUsername: actor.username,
        startedAt,
        totals,
        queriesOpened: toOpen,
      });
    });
  }

  /**
   * The site of the one subject a run reads (the run is shown only to readers of that site). A
   * subject the study does not have, or (site-limited, or a site asked) one of another site,
   * answers 404 alike.
   */
  private async subjectSite(db: EntityManager, scope: StoredScope): Promise<string | null> {
    const site = await this.checks.subjectSite(db, scope.protocolId, scope.subjectId!);
    if (site === undefined || (scope.siteIds !== null && (site === null || !scope.siteIds.includes(site)))) {
      throw new NotFoundException(`No subject ${scope.subjectId} in study ${scope.protocolId}${scope.siteIds !== null ? ` at ${scope.siteIds.join(', ')}` : ''}`);
    }
    return site;
  }

  private typed(records: unknown[], study: string | undefined, user: AuthenticatedUser): TypedBatch {
    const batch = typeCheckBatch(records, (recordProtocol) => recordProtocol ?? study ?? this.config.DEFAULT_PROTOCOL_ID);
    if (isSiteLimited(user)) {
      const unnamed = batch.rows.filter((row) => row.site_id === null).map((row) => row.row_index);
      if (unnamed.length > 0) {
        throw new BadRequestException(`Records ${listed(unnamed)} name no SiteID: name the site of each record (one of yours: ${user.siteIds.join(', ')})`);
      }
      const foreign = batch.rows.filter((row) => row.site_id !== null && !user.siteIds.includes(row.site_id)).map((row) => row.row_index);
      if (foreign.length > 0) throw new ForbiddenException(`Records ${listed(foreign)} are of sites you may not check (yours: ${user.siteIds.join(', ')})`);
    }
    const studies = studiesOf(batch);
    if (studies.length > MAX_STUDIES_PER_BATCH) {
      throw new BadRequestException(`The records name ${studies.length} studies (ProtocolID); a batch may hold records of at most ${MAX_STUDIES_PER_BATCH}`);
    }
    return batch;
  }

  /** Reads in one snapshot, and a regular expression the database cannot read answers 400. */
  private readOnly<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.withRegexErrors(() =>
      this.dataSource.transaction('REPEATABLE READ', async (db) => {
        await db.query('SET TRANSACTION READ ONLY');
        await this.checks.tuneForLargeReads(db);
        return work(db);
      }),
    );
  }

  private async withRegexErrors<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === INVALID_REGULAR_EXPRESSION) {
        throw new BadRequestException(`A rule's regex cannot be used: ${(error as Error).message}`);
      }
      throw error;
    }
  }
}

const runTooSlow = () =>
  new ServiceUnavailableException(
    `The run did not finish within its deadline (${RUN_DEADLINE_MS / 1000} s) and was stopped; nothing was stored. ` +
      'Run one site, subject or dataset at a time, or try again when the database is less busy',
  );

function studiesOf(batch: TypedBatch): string[] {
  return [...new Set(batch.rows.map((row) => row.protocol_id))].sort();
}

function listed(indexes: number[]): string {
  return indexes.length > 20 ? `${indexes.slice(0, 20).join(', ')} and ${indexes.length - 20} more` : indexes.join(', ');
}

function batchSummary(rows: FindingRow[]): { records_with_findings: number; by_severity: SeverityCounts; findings: BatchFindingResponse[] } {
  const by_severity: SeverityCounts = { critical: 0, major: 0, minor: 0 };
  const records = new Set<number>();
  for (const row of rows) {
    by_severity[row.severity] += 1;
    if (row.row_index !== null) records.add(row.row_index);
  }
  return { records_with_findings: records.size, by_severity, findings: rows.map(batchFinding) };
}

function batchFinding(row: FindingRow): BatchFindingResponse {
  return { index: row.row_index, ...common(row) };
}

function storedFinding(row: FindingRow): StoredFindingResponse & { index: null } {
  return { index: null, vital_sign_id: row.vital_sign_id, ...common(row) };
}

function common(row: FindingRow) {
  return {
    rule_id: row.rule_id,
    severity: row.severity,
    hard: row.hard,
    protocol_id: row.protocol_id,
    site_id: row.site_id,
    subject_id: row.subject_id,
    visit_name: row.visit_name,
    field: row.field,
    value: row.value,
    message: row.message,
  };
}
