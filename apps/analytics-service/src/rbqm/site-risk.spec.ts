import type { SiteCounts } from './rbqm.repository.js';
import { per100, siteRisks, studyRisk } from './site-risk.js';
import { effectiveLimits } from './tolerance-limits.js';

const counts = (site: string | null, overrides: Partial<SiteCounts> = {}): SiteCounts => ({
  site_id: site,
  subjects: 2,
  data_rows: 20,
  queries: 0,
  open_queries: 0,
  serious_events: 0,
  serious_related_events: 0,
  fatal_events: 0,
  ...overrides,
});

describe("a site's risk indicators", () => {
  it('give rates per 100 data rows, none without rows', () => {
    expect(per100(3, 12)).toBe(25);
    expect(per100(0, 0)).toBeNull();
  });

  it("join the site's counts with its rule findings, zero where the rules found nothing", () => {
    const [s01, s02] = siteRisks(
      [counts('S01', { queries: 3 }), counts('S02')],
      [{ site_id: 'S01', out_of_range_values: 4, subjects_missing_visits: 1, duplicate_visits: 2 }],
      effectiveLimits(undefined),
    );
    expect(s01).toMatchObject({ site_id: 'S01', queries: 3, query_rate_per_100: 15, out_of_range_values: 4, out_of_range_rate_per_100: 20, duplicate_visits: 2 });
    expect(s01.flags.map((flag) => flag.tolerance_limit)).toEqual(['query_rate_per_100']);
    expect(s02).toMatchObject({ site_id: 'S02', out_of_range_values: 0, subjects_missing_visits: 0, duplicate_visits: 0, flags: [] });
  });

  it('add up to the study, its rates computed over the sums, not averaged over sites', () => {
    const sites = siteRisks([counts('S01', { queries: 3, data_rows: 10 }), counts('S02', { queries: 1, data_rows: 30, serious_related_events: 6 })], [], effectiveLimits(undefined));
    expect(studyRisk(sites)).toMatchObject({ subjects: 4, data_rows: 40, queries: 4, query_rate_per_100: 10, serious_related_events: 6, sites: 2, sites_flagged: 2 });
    expect(studyRisk([])).toMatchObject({ sites: 0, data_rows: 0, query_rate_per_100: null });
  });
});
