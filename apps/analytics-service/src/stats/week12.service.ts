import { BadRequestException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { AnalyticsCache } from '../results/analytics-cache.js';
import type { ResultMeta } from '../results/result-meta.js';
import { AnalysisScopes } from '../scope/analysis-scopes.js';
import { describeScope, type ScopeDescription } from '../scope/analysis-scope.js';
import { welchTest } from '../statistics/index.js';
import type { Week12Dto } from './dto/stats-requests.dto.js';
import type { ArmSummary, Week12Response } from './dto/stats-responses.js';
import { type ArmValues, StatsRepository } from './stats.repository.js';
import { assertTestableRecords } from './week12-records.js';
import { storedVitals, suppliedVitals } from './vitals-source.js';

export const DEFAULT_WEEK12_VISIT = 'Week 12';
export const DEFAULT_WEEK12_ARMS = ['Active', 'Placebo'] as const;
const CONFIDENCE = 0.95;

/** What the records mode's answer says it read: the request's records, nothing stored. */
const SUPPLIED_SCOPE: ScopeDescription = {
  study: '(records in the request)',
  sites: 'all',
  dataset_id: null,
  site_limited: false,
  note: 'Computed over the records sent with the request; no stored data was read',
};

interface ArmFigures {
  arms: ArmValues[];
  computed_at: string;
}

/**
 * The design's endpoint: Welch's test of systolic BP at one visit (Week 12), one arm against a
 * reference (Active vs Placebo), over records sent in the request or the stored data of a scope;
 * both through the same SQL.
 */
@Injectable()
export class Week12Service {
  constructor(
    private readonly repository: StatsRepository,
    private readonly scopes: AnalysisScopes,
    private readonly cache: AnalyticsCache,
  ) {}

  async test(body: Week12Dto, user: AuthenticatedUser): Promise<Week12Response> {
    const visit = body.visit ?? DEFAULT_WEEK12_VISIT;
    const [arm, reference] = body.arms ?? DEFAULT_WEEK12_ARMS;
    if (body.records !== undefined) {
      const given = (['study', 'site', 'dataset_id'] as const).filter((field) => body[field] !== undefined);
      if (given.length > 0) {
        throw new BadRequestException(`Send either records or a reference to stored data (study, site, dataset_id), not both: ${given.join(', ')} given with records`);
      }
      assertTestableRecords(body.records);
      const figures = await this.repository.systolicAt(suppliedVitals(body.records), visit, [arm, reference]);
      return answer('records', visit, arm, reference, { arms: figures, computed_at: new Date().toISOString() }, SUPPLIED_SCOPE, false);
    }
    const scope = await this.scopes.resolve(body, user);
    const { value, cached } = await this.cache.read<ArmFigures>('stats-week12', scope, { visit, arm, reference }, async () => ({
      arms: await this.repository.systolicAt(storedVitals(scope), visit, [arm, reference]),
      computed_at: new Date().toISOString(),
    }));
    return answer('stored', visit, arm, reference, value, describeScope(scope), cached);
  }
}

function answer(
  source: Week12Response['source'],
  visit: string,
  arm: string,
  reference: string,
  figures: ArmFigures,
  scope: ScopeDescription,
  cached: boolean,
): Week12Response {
  const summaries = [arm, reference].map((code): ArmSummary => {
    const found = figures.arms.find((row) => row.arm === code);
    return { arm: code, n: found?.n ?? 0, mean: found?.mean ?? null, sd: found?.sd ?? null };
  });
  const short = summaries.filter((summary) => summary.n < 2);
  if (short.length > 0) {
    const counts = short.map((summary) => `${summary.arm} has ${summary.n} systolic BP value${summary.n === 1 ? '' : 's'}`).join(' and ');
    throw new UnprocessableEntityException(`${counts} at ${visit}; the Welch test needs at least 2 values in each arm`);
  }
  const [first, second] = summaries;
  const result = welchTest(first, second, CONFIDENCE);
  const records = figures.arms.filter((row) => row.arm === arm || row.arm === reference).reduce((total, row) => total + row.records, 0);
  const meta: ResultMeta = { scope, records_used: records, computed_at: figures.computed_at, cached };
  return {
    source,
    visit,
    vital: 'systolic_bp',
    arms: summaries,
    arm,
    reference,
    difference: result.difference,
    se: result.se,
    df: result.df,
    t: result.t,
    ci_lower: result.ci_lower,
    ci_upper: result.ci_upper,
    p_value: result.p_value,
    confidence: result.confidence,
    not_computed: result.not_computed,
    meta,
  };
}
