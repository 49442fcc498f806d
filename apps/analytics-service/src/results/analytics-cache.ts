import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { CacheService, studyCacheTag, studyDataCacheTag } from '../../../../libs/database/src/index.js';
import { type AnalysisScope, scopeKey } from '../scope/analysis-scope.js';

/**
 * Results computed over a study's stored data, cached per scope (sites included) and parameters,
 * and tagged with the EDC's tags of the study's set-up and data: every EDC write of the study's
 * subjects, vitals or adverse events, and every change to its set-up (or to the default study's,
 * whose schedule a study without one borrows), hides them, so a result is
 * never served after its data changed. When the cache is unreachable, results are computed.
 */
@Injectable()
export class AnalyticsCache {
  constructor(
    private readonly cache: CacheService,
    private readonly config: PlatformConfig,
  ) {}

  async read<T>(kind: string, scope: AnalysisScope, params: unknown, load: () => Promise<T>): Promise<{ value: T; cached: boolean }> {
    let loaded = false;
    const digest = createHash('sha256').update(JSON.stringify([scopeKey(scope), params ?? null])).digest('hex');
    const value = await this.cache.readThrough(
      `analytics:${kind}:${digest}`,
      () => {
        loaded = true;
        return load();
      },
      // The default study's set-up too: a study without a schedule or arms of its own is analysed with its (StudyDesignReader).
      { tags: [studyCacheTag(scope.protocolId), studyDataCacheTag(scope.protocolId), studyCacheTag(this.config.DEFAULT_PROTOCOL_ID)] },
    );
    return { value, cached: !loaded };
  }
}
