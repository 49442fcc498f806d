import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ScopeDescription } from '../scope/analysis-scope.js';
import type { CsrReport } from './report/csr-report.js';

export const CSR_DOCUMENT_TYPE = 'clinical_study_report';

/** A stored version's columns, without its content. */
export interface DocumentMetaRow {
  id: string;
  protocol_id: string;
  title: string;
  version: number;
  status: string;
  created_at: string;
  created_by: string | null;
  created_by_username: string | null;
  data_sha256: string;
  /** Kept in the content's title page; null for versions stored before methods were named. */
  data_sha256_method: string | null;
  software_version: string;
  scope: ScopeDescription;
  synthetic: boolean;
}

export interface NewDocument {
  protocolId: string;
  title: string;
  content: CsrReport;
  dataSha256: string;
  softwareVersion: string;
  scope: ScopeDescription;
  createdBy: string | null;
  createdByUsername: string | null;
}

const META_COLUMNS = `id, protocol_id, title, version, status,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
  created_by, created_by_username, data_sha256, content->'title_page'->>'data_sha256_method' AS data_sha256_method, software_version, scope, coalesce((content->>'synthetic')::boolean, false) AS synthetic`;

/** Site condition: whole-study reports only for readers of every site; else reports whose sites are all the reader's. */
function visibleTo(siteIds: string[] | null, params: unknown[]): string {
  if (siteIds === null) return 'TRUE';
  return `jsonb_typeof(scope->'sites') = 'array' AND ARRAY(SELECT jsonb_array_elements_text(scope->'sites')) <@ $${params.push(siteIds)}::text[]`;
}

/** The study reports in `documents`: inserted as new versions, never changed. */
@Injectable()
export class DocumentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Serializes storing versions of one study's report (released at commit). Taken in a READ
   * COMMITTED transaction: a REPEATABLE READ snapshot would be older than the lock.
   */
  async lockStudy(db: EntityManager, protocolId: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [CSR_DOCUMENT_TYPE, protocolId]);
  }

  /** The study's next version number, counted by this statement: call it after `lockStudy`. */
  async insertNextVersion(db: EntityManager, document: NewDocument): Promise<DocumentMetaRow> {
    const [row] = (await db.query(
      `INSERT INTO documents (protocol_id, document_type, title, version, status, content, created_by, created_by_username, data_sha256, software_version, scope)
       SELECT $1::varchar, $2::varchar, $3::varchar, coalesce(max(version), 0) + 1, 'generated', $4::jsonb, $5::uuid, $6::varchar, $7::char(64), $8::varchar, $9::jsonb
         FROM documents WHERE document_type = $2::varchar AND protocol_id = $1::varchar
       RETURNING ${META_COLUMNS}`,
      [
        document.protocolId,
        CSR_DOCUMENT_TYPE,
        document.title,
        JSON.stringify(document.content),
        document.createdBy,
        document.createdByUsername,
        document.dataSha256,
        document.softwareVersion,
        JSON.stringify(document.scope),
      ],
    )) as DocumentMetaRow[];
    return row;
  }

  /** Versions of a study's report, newest first, that the reader may see, and their total. */
  async list(protocolId: string, siteIds: string[] | null, limit: number, offset: number): Promise<{ rows: DocumentMetaRow[]; total: number }> {
    const params: unknown[] = [CSR_DOCUMENT_TYPE, protocolId];
    const visible = visibleTo(siteIds, params);
    const limitAt = params.push(limit);
    const offsetAt = params.push(offset);
    const [result] = (await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM documents WHERE document_type = $1 AND protocol_id = $2 AND ${visible}) AS total,
              coalesce((SELECT json_agg(page ORDER BY page.version DESC) FROM (
                 SELECT ${META_COLUMNS} FROM documents WHERE document_type = $1 AND protocol_id = $2 AND ${visible}
                  ORDER BY version DESC LIMIT $${limitAt} OFFSET $${offsetAt}) page), '[]'::json) AS rows`,
      params,
    )) as Array<{ total: number; rows: DocumentMetaRow[] }>;
    return result;
  }

  /** One version with its content, when the reader may see it. */
  async find(id: string, siteIds: string[] | null): Promise<(DocumentMetaRow & { content: CsrReport }) | null> {
    const params: unknown[] = [CSR_DOCUMENT_TYPE, id];
    const rows = (await this.dataSource.query(
      `SELECT ${META_COLUMNS}, content FROM documents WHERE document_type = $1 AND id = $2 AND ${visibleTo(siteIds, params)}`,
      params,
    )) as Array<DocumentMetaRow & { content: CsrReport }>;
    return rows[0] ?? null;
  }
}
