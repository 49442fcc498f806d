import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable, StreamableFile } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuditActor, AuditService, type FieldChange } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { type AnalysisScope, describeScope } from '../scope/analysis-scope.js';
import { AnalysisScopes } from '../scope/analysis-scopes.js';
import { StudyDesignReader } from '../scope/study-design.reader.js';
import { FHIR_DEFAULT_LIMIT, type FhirExportBody, type SdtmExportBody } from './dto/export-bodies.dto.js';
import { type ExportSnapshot, ExportSnapshots } from './export-snapshot.js';
import { fhirRecordCountsQuery, fhirSubjectsQuery, fhirVitalsQuery } from './fhir-sql.js';
import { collectionBundle, type FhirResource, type FhirSubjectRow, type FhirVitalRow, observationResources, patientResource } from './fhir-resources.js';
import { countOf, sdtmCountQuery, sdtmRowsQuery, syntheticQuery } from './sdtm-sql.js';
import { type SdtmRow, sdtmCsv, sdtmDatasetJson } from './sdtm-formats.js';
import { softwareVersion } from '../../../../libs/config/src/index.js';

/** Headers every export carries, so a reader of the file alone knows what it holds. */
export interface ExportHeaders {
  'X-Synthetic-Data': 'true' | 'false';
  'X-Scope-Note'?: string;
  'X-Total-Count'?: string;
}

export interface FhirExport {
  bundle: Record<string, unknown>;
  headers: ExportHeaders;
}

/**
 * SDTM and FHIR exports over one read-only snapshot. Each export is audited (who, scope, format,
 * rows counted in that snapshot) in its own committed transaction before any data leaves.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scopes: AnalysisScopes,
    private readonly snapshots: ExportSnapshots,
    private readonly audit: AuditService,
    private readonly designs: StudyDesignReader,
  ) {}

  async sdtm(body: SdtmExportBody, user: AuthenticatedUser, actor: AuditActor): Promise<{ file: StreamableFile; headers: ExportHeaders }> {
    const scope = await this.scopes.resolve(body, user);
    const format = body.format ?? 'csv';
    const page = { limit: body.limit ?? null, offset: body.offset ?? 0 };
    // The design the statistics use (a study without a schedule borrows the default study's): same baseline, same visits.
    const design = await this.designs.read(scope.protocolId);
    const query = sdtmRowsQuery(body.domain, scope, design, page);
    const snapshot = await this.snapshots.open();
    try {
      const [{ n: records }] = await snapshot.rows<{ n: number }>(sdtmCountQuery(body.domain, scope, page));
      const synthetic = await this.isSynthetic(snapshot, scope);
      await this.record(actor, `sdtm_${body.domain.toLowerCase()}`, scope, format, records, page);
      const rows = snapshot.stream<SdtmRow>(query);
      const pieces =
        format === 'csv'
          ? sdtmCsv(body.domain, rows)
          : sdtmDatasetJson(
              body.domain,
              { createdAt: new Date(), studyId: scope.protocolId, records, softwareVersion: softwareVersion(), labelNotes: labelNotes(scope, synthetic), fileOid: `${scope.protocolId}.${body.domain}.${randomUUID()}` },
              rows,
            );
      const file = new StreamableFile(Readable.from(closingAfter(pieces, snapshot), { objectMode: false }), {
        type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        disposition: `attachment; filename="${fileName(scope, body.domain, format)}"`,
      });
      return { file, headers: exportHeaders(scope, synthetic, records) };
    } catch (error) {
      await snapshot.close(true);
      throw error;
    }
  }

  /** One page of subjects (by USUBJID) as a Bundle of Patients and their vital-signs Observations. */
  async fhir(body: FhirExportBody, user: AuthenticatedUser, actor: AuditActor, nextBase: string): Promise<FhirExport> {
    const scope = await this.scopes.resolve(body, user);
    const page = { limit: body.limit ?? FHIR_DEFAULT_LIMIT, offset: body.offset ?? 0 };
    const snapshot = await this.snapshots.open();
    let failed = true;
    try {
      const subjectsQuery = fhirSubjectsQuery(scope);
      const [{ n: total }] = await snapshot.rows<{ n: number }>(countOf(subjectsQuery));
      const asked = await snapshot.rows<FhirSubjectRow>(pagedQuery(subjectsQuery, page));
      const counts = asked.length === 0 ? [] : await snapshot.rows<{ patient_id: string; records: number }>(fhirRecordCountsQuery(asked.map((s) => s.patient_id)));
      const subjects = subjectsWithinBundleLimit(asked, new Map(counts.map((row) => [row.patient_id, row.records])));
      const vitals = subjects.length === 0 ? [] : await snapshot.rows<FhirVitalRow>(fhirVitalsQuery(subjects.map((s) => s.patient_id)));
      const synthetic = await this.isSynthetic(snapshot, scope);
      const resources = bundleResources(subjects, vitals);
      await this.record(actor, 'fhir_bundle', scope, 'fhir-r4-json', resources.length, { ...page, subjects: subjects.length, subjects_total: total });
      failed = false;
      const more = page.offset + subjects.length < total;
      const next = more ? `${nextBase}?${nextQuery(body, { limit: page.limit, offset: page.offset + subjects.length })}` : null;
      const bundle = collectionBundle(randomUUID(), new Date(), resources, { synthetic, siteNote: describeScope(scope).note }, next);
      return { bundle, headers: exportHeaders(scope, synthetic, total) };
    } finally {
      await snapshot.close(failed);
    }
  }

  private async isSynthetic(snapshot: ExportSnapshot, scope: AnalysisScope): Promise<boolean> {
    const [{ synthetic }] = await snapshot.rows<{ synthetic: boolean }>(syntheticQuery(scope));
    return synthetic;
  }

  /** The export's audit event, committed before any data is sent: if it cannot be written, nothing is sent. */
  private async record(actor: AuditActor, entityType: string, scope: AnalysisScope, format: string, rows: number, page: Record<string, number | null>): Promise<void> {
    const described = describeScope(scope);
    const sites: Record<string, FieldChange> = scope.siteLimited ? { site_ids: { old: null, new: scope.siteIds } } : {};
    await this.dataSource.transaction((db) =>
      this.audit.record(db, actor, [
        {
          action: 'export',
          entityType,
          entityId: scope.protocolId,
          changes: {
            scope: { old: null, new: { study: described.study, sites: described.sites, dataset_id: described.dataset_id, site_limited: described.site_limited } },
            format: { old: null, new: format },
            page: { old: null, new: page },
            rows: { old: null, new: rows },
            ...sites,
          },
        },
      ]),
    );
  }
}

function bundleResources(subjects: FhirSubjectRow[], vitals: FhirVitalRow[]): FhirResource[] {
  const bySubject = new Map<string, FhirVitalRow[]>();
  for (const vital of vitals) bySubject.set(vital.patient_id, [...(bySubject.get(vital.patient_id) ?? []), vital]);
  return subjects.flatMap((subject) => [patientResource(subject), ...(bySubject.get(subject.patient_id) ?? []).flatMap(observationResources)]);
}

function pagedQuery(query: { text: string; values: unknown[] }, page: { limit: number; offset: number }): { text: string; values: unknown[] } {
  const values = [...query.values];
  return { text: `${query.text} LIMIT $${values.push(page.limit)} OFFSET $${values.push(page.offset)}`, values };
}

/**
 * A Bundle is built whole before it is sent: at most this many vital-signs records (three
 * Observations each, about 100 MB at 40,000) go into one, however many subjects were asked for.
 */
export const MAX_FHIR_RECORDS_PER_BUNDLE = 10_000;

/**
 * The page's first subjects whose records fit in one Bundle (always the first subject, whose
 * records are never split); the `next` link goes on from the first subject left out.
 */
export function subjectsWithinBundleLimit<T extends { patient_id: string }>(subjects: T[], records: ReadonlyMap<string, number>): T[] {
  let total = 0;
  const kept: T[] = [];
  for (const subject of subjects) {
    total += records.get(subject.patient_id) ?? 0;
    if (kept.length > 0 && total > MAX_FHIR_RECORDS_PER_BUNDLE) break;
    kept.push(subject);
  }
  return kept;
}

/** The `next` link's query: the same scope and limit, from `page.offset`. */
function nextQuery(body: FhirExportBody, page: { limit: number; offset: number }): string {
  const query = new URLSearchParams();
  if (body.study !== undefined) query.set('study', body.study);
  if (body.site !== undefined) query.set('site', body.site);
  if (body.dataset_id !== undefined) query.set('dataset_id', body.dataset_id);
  query.set('limit', String(page.limit));
  query.set('offset', String(page.offset));
  return query.toString();
}

function exportHeaders(scope: AnalysisScope, synthetic: boolean, total: number): ExportHeaders {
  const note = describeScope(scope).note;
  return { 'X-Synthetic-Data': synthetic ? 'true' : 'false', ...(note !== null ? { 'X-Scope-Note': note } : {}), 'X-Total-Count': String(total) };
}

function labelNotes(scope: AnalysisScope, synthetic: boolean): string[] {
  return [
    ...(synthetic ? ['[SYNTHETIC DATA: generated, not captured from patients]'] : []),
    ...(scope.siteLimited ? [`[sites ${(scope.siteIds ?? []).join(', ')} only]`] : []),
  ];
}

function fileName(scope: AnalysisScope, domain: string, format: string): string {
  const safe = scope.protocolId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${safe}-${domain.toLowerCase()}.${format === 'csv' ? 'csv' : 'json'}`;
}

/** The pieces, then the snapshot closed however the stream ends (finished, failed, or the client gone). */
async function* closingAfter(pieces: AsyncGenerator<string>, snapshot: ExportSnapshot): AsyncGenerator<string> {
  let failed = true;
  try {
    yield* pieces;
    failed = false;
  } finally {
    await snapshot.close(failed);
  }
}
