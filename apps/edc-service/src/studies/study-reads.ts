import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ACCESS, type AuthenticatedUser, mayAccessSite, type Role } from '../../../../libs/auth/src/index.js';
import type { Page } from '../../../../libs/platform/src/index.js';
import type { ListStudiesQuery } from './dto/list-studies.query.js';
import { type StudyMeta, type StudyResponse, toStudyResponse } from './dto/study.response.js';
import type { StudyDesign } from './study-design.js';
import { StudyDirectory } from './study-directory.js';
import { studyNotFound } from './study-writes.js';

/** Studies as a user sees them: a user limited to sites sees only their sites of each study. The seed is never read. */
@Injectable()
export class StudyReads {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: StudyDirectory,
  ) {}

  async list(query: ListStudiesQuery, user: AuthenticatedUser): Promise<Page<StudyResponse>> {
    const db = this.dataSource.manager;
    const status = query.status ?? null;
    const [{ total }]: Array<{ total: number }> = await db.query(
      `SELECT count(*)::int AS total FROM studies WHERE $1::text IS NULL OR status = $1`,
      [status],
    );
    const page: Array<{ protocol_id: string }> = await db.query(
      `SELECT protocol_id FROM studies WHERE $1::text IS NULL OR status = $1 ORDER BY protocol_id LIMIT $2 OFFSET $3`,
      [status, query.limit, query.offset],
    );
    const ids = page.map((row) => row.protocol_id);
    const [designs, metas] = await Promise.all([this.directory.find(db, ids), this.metaOf(db, ids)]);
    const data = ids
      .filter((id) => designs.has(id) && metas.has(id))
      .map((id) => toStudyResponse(this.asSeenBy(designs.get(id) as StudyDesign, user), metas.get(id) as StudyMeta, { showBlockDesign: maySetUpStudies(user) }));
    return { data, page: { limit: query.limit, offset: query.offset, total } };
  }

  async get(protocolId: string, user: AuthenticatedUser, db: EntityManager = this.dataSource.manager): Promise<StudyResponse> {
    const [study, metas] = await Promise.all([this.directory.findOne(db, protocolId), this.metaOf(db, [protocolId])]);
    const meta = metas.get(protocolId);
    if (!study || !meta) throw studyNotFound(protocolId);
    return toStudyResponse(this.asSeenBy(study, user), meta, { showBlockDesign: maySetUpStudies(user) });
  }

  async design(protocolId: string, user: AuthenticatedUser): Promise<StudyDesign> {
    const study = await this.directory.findOne(this.dataSource.manager, protocolId);
    if (!study) throw studyNotFound(protocolId);
    return this.asSeenBy(study, user);
  }

  asSeenBy(study: StudyDesign, user: AuthenticatedUser): StudyDesign {
    return { ...study, sites: study.sites.filter((site) => mayAccessSite(user, site.siteId)) };
  }

  private async metaOf(db: EntityManager, protocolIds: string[]): Promise<Map<string, StudyMeta>> {
    if (protocolIds.length === 0) return new Map();
    const rows: Array<StudyMeta & { protocolId: string }> = await db.query(
      `SELECT s.protocol_id AS "protocolId", s.randomization_seed IS NOT NULL AS "seedSet",
              EXISTS (SELECT 1 FROM randomization_slots r WHERE r.protocol_id = s.protocol_id) AS "randomizationStarted",
              s.created_at AS "createdAt", s.updated_at AS "updatedAt"
         FROM studies s WHERE s.protocol_id = ANY ($1::text[])`,
      [protocolIds],
    );
    return new Map(rows.map(({ protocolId, ...meta }) => [protocolId, meta]));
  }
}

/** Users who set up studies see its block sizes and strata; nobody else does (allocation concealment). */
function maySetUpStudies(user: AuthenticatedUser): boolean {
  const setUpRoles: readonly Role[] = ACCESS.manageStudies;
  return user.roles.some((role) => setUpRoles.includes(role));
}
