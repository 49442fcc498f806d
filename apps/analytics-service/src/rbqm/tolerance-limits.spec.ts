import { DEFAULT_TOLERANCE_LIMITS, effectiveLimits, limitFlags } from './tolerance-limits.js';

describe('quality tolerance limits', () => {
  it("are the design's defaults unless the request replaces some of them", () => {
    expect(effectiveLimits(undefined)).toEqual({ query_rate_per_100: 6, subjects_missing_visits: 3, serious_related_events: 5 });
    expect(effectiveLimits({ subjects_missing_visits: 0 })).toEqual({ ...DEFAULT_TOLERANCE_LIMITS, subjects_missing_visits: 0 });
  });

  it('flag an indicator strictly above its limit, never one at it', () => {
    const limits = effectiveLimits(undefined);
    expect(limitFlags({ query_rate_per_100: 6, subjects_missing_visits: 3, serious_related_events: 5 }, limits)).toEqual([]);
    const flags = limitFlags({ query_rate_per_100: 6.01, subjects_missing_visits: 4, serious_related_events: 6 }, limits);
    expect(flags.map((flag) => [flag.tolerance_limit, flag.value, flag.threshold])).toEqual([
      ['query_rate_per_100', 6.01, 6],
      ['subjects_missing_visits', 4, 3],
      ['serious_related_events', 6, 5],
    ]);
  });

  it('say in words which limit was crossed, by how much', () => {
    const [flag] = limitFlags({ query_rate_per_100: 100 / 3, subjects_missing_visits: 0, serious_related_events: 0 }, effectiveLimits(undefined));
    expect(flag.message).toMatch(/^Query rate 33\.33 per 100 data rows is above the limit of 6/);
  });

  it('do not flag a rate that could not be computed (a site without data rows)', () => {
    expect(limitFlags({ query_rate_per_100: null, subjects_missing_visits: 0, serious_related_events: 0 }, effectiveLimits({ query_rate_per_100: 0 }))).toEqual([]);
  });
});
