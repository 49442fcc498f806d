import { Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, type AuditEventInput, AuditService, type FieldChange } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import { type AnalysisScope, describeScope } from '../scope/analysis-scope.js';
import { AnalysisScopes } from '../scope/analysis-scopes.js';
import { type StudyDesign, StudyDesignReader } from '../scope/study-design.reader.js';
import { type DocumentMetaRow, DocumentsRepository } from './documents.repository.js';
import type { CsrDocument, CsrDocumentPage, CsrFormat } from './dto/csr-responses.js';
import type { CsrListQuery, GenerateCsrDto } from './dto/csr-requests.dto.js';
import { renderHtml } from './render/html.js';
import { renderMarkdown } from './render/markdown.js';
import { CsrBuilder } from './report/csr-builder.js';
import { CsrDataRepository } from './report/csr-data.repository.js';
import type { CsrReport } from './report/csr-report.js';
import { softwareVersion } from '../../../../libs/config/src/index.js';
import { DeadlineTransactions, type WorkDeadline } from '../../../../libs/database/src/index.js';

/**
 * Generating or drafting a report answers within this instead of REQUEST_TIMEOUT_MS (its work grows
 * with the study: about 20 s for 1,000,000 vitals); past it the work is stopped and rolled back,
 * its 503 saying nothing was stored. Its statements may each take up to this (statement_timeout).
 */
export const CSR_DEADLINE_MS = 120_000;

export interface RenderedReport {
  contentType: string;
  body: string;
}

/**
 * The clinical study report: built over one snapshot of the data (REPEATABLE READ), stored as the
 * study's next version with the hash of that data, and rendered from the stored JSON on reading.
 */
@Injectable()
export class CsrService {
  private readonly version = softwareVersion();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: DeadlineTransactions,
    private readonly scopes: AnalysisScopes,
    private readonly designs: StudyDesignReader,
    private readonly builder: CsrBuilder,
    private readonly data: CsrDataRepository,
    private readonly documents: DocumentsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * The report is built over one snapshot (REPEATABLE READ), then stored as the next version in a
   * short READ COMMITTED transaction that takes the study's lock first: its statements see every
   * version committed before the lock was granted, so generations at the same time each get the
   * next number (the report's content does not hold its version number). Both are stopped and
   * rolled back at `deadline` (the route's), its 503 then saying nothing was stored.
   */
  async generate(body: GenerateCsrDto, user: AuthenticatedUser, actor: AuditActor, deadline?: AbortSignal): Promise<CsrDocument> {
    const scope = await this.scopes.resolve(body, user);
    const { report, dataSha256 } = await this.transactions.run(reportDeadline(deadline), 'REPEATABLE READ', async (db, checkpoint) => {
      const design = await this.design(db, scope, checkpoint);
      const dataSha256 = await this.data.dataSha256(db, scope, design);
      checkpoint();
      return { report: await this.buildReport(db, scope, design, body.title, user, checkpoint, dataSha256), dataSha256 };
    });
    const stored = await this.transactions.run(reportDeadline(deadline), 'READ COMMITTED', async (db, checkpoint) => {
      await this.documents.lockStudy(db, scope.protocolId);
      checkpoint();
      const row = await this.documents.insertNextVersion(db, {
        protocolId: scope.protocolId,
        title: report.title_page.title,
        content: report,
        dataSha256,
        softwareVersion: this.version,
        scope: describeScope(scope),
        createdBy: user.id,
        createdByUsername: user.username,
      });
      checkpoint();
      await this.audit.record(db, actor, [
        {
          action: 'generate',
          entityType: 'document',
          entityId: row.id,
          changes: {
            document_type: { old: null, new: 'clinical_study_report' },
            protocol_id: { old: null, new: row.protocol_id },
            version: { old: null, new: row.version },
            data_sha256: { old: null, new: row.data_sha256 },
            scope: { old: null, new: row.scope },
          },
        },
      ]);
      return row;
    });
    return toDocument(stored);
  }

  /**
   * The Markdown of a report of the current data, not stored (so without a data hash); stopped at
   * `deadline` (the route's). It holds subject-level listings: audited as an export before it is sent.
   */
  async draft(body: GenerateCsrDto, user: AuthenticatedUser, actor: AuditActor, deadline?: AbortSignal): Promise<string> {
    const scope = await this.scopes.resolve(body, user);
    const report = await this.transactions.run(reportDeadline(deadline), 'REPEATABLE READ', async (db, checkpoint) =>
      this.buildReport(db, scope, await this.design(db, scope, checkpoint), body.title ?? undefined, user, checkpoint, null),
    );
    const described = describeScope(scope);
    await this.recordRead(actor, {
      action: 'export',
      entityType: CSR_DRAFT_ENTITY,
      entityId: scope.protocolId,
      changes: {
        scope: { old: null, new: { study: described.study, sites: described.sites, dataset_id: described.dataset_id, site_limited: described.site_limited } },
        format: { old: null, new: 'markdown' },
        ...siteIdsOf(user),
      },
    });
    return renderMarkdown(report, { draft: true });
  }

  async list(query: CsrListQuery, user: AuthenticatedUser): Promise<CsrDocumentPage> {
    const scope = await this.scopes.resolve({ study: query.study }, user);
    const { rows, total } = await this.documents.list(scope.protocolId, readerSites(user), query.limit, query.offset);
    return { data: rows.map(toDocument), page: { limit: query.limit, offset: query.offset, total } };
  }

  /** A stored version in a format; each read is audited (the report holds subject-level listings) before it is sent. */
  async get(id: string, format: CsrFormat, user: AuthenticatedUser, actor: AuditActor): Promise<RenderedReport | CsrReport> {
    const document = await this.documents.find(id, readerSites(user));
    if (!document) throw new NotFoundException(`No study report ${id}${isSiteLimited(user) ? ' at sites you may see' : ''}`);
    await this.recordRead(actor, {
      action: 'read',
      entityType: 'document',
      entityId: document.id,
      changes: { format: { old: null, new: format }, version: { old: null, new: document.version }, ...siteIdsOf(user) },
    });
    if (format === 'html') return { contentType: 'text/html; charset=utf-8', body: renderHtml(document.content, documentHeading(document)) };
    if (format === 'markdown') return { contentType: 'text/markdown; charset=utf-8', body: renderMarkdown(document.content, { version: document.version }) };
    return document.content;
  }

  /** Committed in a transaction of its own before anything is sent: if it cannot be written, nothing is. */
  private async recordRead(actor: AuditActor, event: AuditEventInput): Promise<void> {
    await this.dataSource.transaction((db) => this.audit.record(db, actor, [event]));
  }

  /** The design the report uses, read in the report's snapshot. */
  private async design(db: EntityManager, scope: AnalysisScope, checkpoint: () => void): Promise<StudyDesign> {
    const design = await this.designs.read(scope.protocolId, db);
    checkpoint();
    return design;
  }

  /** `dataSha256`: of the data in this snapshot, or null for a draft (not stored, so not hashed). */
  private buildReport(
    db: EntityManager,
    scope: AnalysisScope,
    design: StudyDesign,
    title: string | undefined,
    user: AuthenticatedUser,
    checkpoint: () => void,
    dataSha256: string | null,
  ): Promise<CsrReport> {
    return this.builder.build(db, scope, design, checkpoint, {
      title: title ?? `Clinical study report: ${design.title ?? design.protocolId}`,
      generatedAt: new Date().toISOString(),
      generatedBy: user.username,
      softwareVersion: this.version,
      dataSha256,
    });
  }
}

const reportDeadline = (signal: AbortSignal | undefined): WorkDeadline => ({ limitMs: CSR_DEADLINE_MS, signal, tooLate: reportTooSlow });

const reportTooSlow = () =>
  new ServiceUnavailableException(
    `The report did not finish within its deadline (${CSR_DEADLINE_MS / 1000} s) and was stopped; nothing was stored. ` +
      'Report one site or dataset at a time, or try again when the database is less busy',
  );

/** The audit entity of a draft (not stored, so no document id: the study's protocol id instead). */
export const CSR_DRAFT_ENTITY = 'clinical_study_report_draft';

/** A site-limited user's sites, for an audit event. */
const siteIdsOf = (user: AuthenticatedUser): Record<string, FieldChange> => (isSiteLimited(user) ? { site_ids: { old: null, new: [...user.siteIds] } } : {});

/** A site-limited reader's sites, or null for a reader of every site. */
const readerSites = (user: AuthenticatedUser): string[] | null => (isSiteLimited(user) ? [...user.siteIds] : null);

const documentHeading = (document: DocumentMetaRow) => ({ version: document.version, id: document.id, createdAt: document.created_at });

function toDocument(row: DocumentMetaRow): CsrDocument {
  const path = `/analytics/csr/${row.id}`;
  return {
    id: row.id,
    protocol_id: row.protocol_id,
    title: row.title,
    version: row.version,
    created_at: row.created_at,
    created_by_username: row.created_by_username,
    data_sha256: row.data_sha256,
    data_sha256_method: row.data_sha256_method,
    software_version: row.software_version,
    scope: row.scope,
    synthetic: row.synthetic,
    links: { json: `${path}?format=json`, html: `${path}?format=html`, markdown: `${path}?format=markdown` },
  };
}
