import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import type { AnalysisScope } from './analysis-scope.js';
import type { ScopeQuery } from './scope.dto.js';

/**
 * Turns a request's study, site and dataset into the scope an analysis reads, limited to the
 * user's sites. An unknown study, a site that is not the study's, or (site-limited) not the
 * user's, answers 404 alike, so another site's existence is not revealed.
 */
@Injectable()
export class AnalysisScopes {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: PlatformConfig,
  ) {}

  async resolve(query: ScopeQuery, user: AuthenticatedUser): Promise<AnalysisScope> {
    const protocolId = query.study ?? this.config.DEFAULT_PROTOCOL_ID;
    const limited = isSiteLimited(user);
    const rows = (await this.dataSource.query(`SELECT 1 FROM edc_studies WHERE protocol_id = $1`, [protocolId])) as unknown[];
    if (rows.length === 0) throw new NotFoundException(`No study ${protocolId}`);
    if (query.site !== undefined) {
      if (limited && !user.siteIds.includes(query.site)) throw new NotFoundException(`No site ${query.site} of study ${protocolId} at sites you may see`);
      if (!(await this.isSiteOf(protocolId, query.site))) throw new NotFoundException(`No site ${query.site} in study ${protocolId}`);
    }
    const siteIds = query.site !== undefined ? [query.site] : limited ? [...user.siteIds] : null;
    return { protocolId, siteIds, datasetId: query.dataset_id ?? null, siteLimited: limited };
  }

  /** A site listed by the study, or one with subjects in it (a study may let unlisted sites in). */
  private async isSiteOf(protocolId: string, siteId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM edc_study_sites WHERE protocol_id = $1 AND site_id = $2
       UNION ALL SELECT 1 FROM (SELECT 1 FROM edc_subjects WHERE protocol_id = $1 AND site_id = $2 LIMIT 1) s`,
      [protocolId, siteId],
    )) as unknown[];
    return rows.length > 0;
  }
}
