import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { describeScope } from '../scope/analysis-scope.js';
import { AnalysisScopes } from '../scope/analysis-scopes.js';
import type { RbqmSummaryDto } from './dto/rbqm-summary.dto.js';
import type { RbqmSummaryResponse } from './dto/rbqm-summary.response.js';
import { kriRules } from './kri-rules.js';
import { RbqmRepository } from './rbqm.repository.js';
import { siteRisks, studyRisk } from './site-risk.js';
import { effectiveLimits } from './tolerance-limits.js';

/**
 * Risk-based monitoring: each site's key risk indicators against the quality tolerance limits.
 * Never cached: queries change in the quality service without an EDC write to invalidate it.
 */
@Injectable()
export class RbqmService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scopes: AnalysisScopes,
    private readonly repository: RbqmRepository,
  ) {}

  async summary(body: RbqmSummaryDto, user: AuthenticatedUser): Promise<RbqmSummaryResponse> {
    const scope = await this.scopes.resolve(body, user);
    const limits = effectiveLimits(body.limits);
    // One snapshot for every count, so the sites, queries and findings agree with each other.
    const { counts, findings, version } = await this.dataSource.transaction('REPEATABLE READ', async (db) => {
      await db.query(`SET TRANSACTION READ ONLY`);
      // The evaluator's statement is a dozen SELECTs: compiling it (JIT) costs more than it saves.
      await db.query(`SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)`);
      const library = await this.repository.studyRules(db, scope.protocolId);
      const rules = kriRules(scope.protocolId, library.version, library.rules);
      return {
        counts: await this.repository.siteCounts(db, scope),
        findings: await this.repository.findingCounts(db, scope, rules),
        version: library.version,
      };
    });
    const sites = siteRisks(counts, findings, limits);
    const totals = studyRisk(sites);
    return {
      study: scope.protocolId,
      limits,
      rules_version: version,
      sites,
      totals,
      meta: { scope: describeScope(scope), records_used: totals.data_rows, computed_at: new Date().toISOString(), cached: false },
    };
  }
}
