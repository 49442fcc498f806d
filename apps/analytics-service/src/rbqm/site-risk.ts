import type { SiteCounts, SiteFindingCounts } from './rbqm.repository.js';
import { type LimitFlag, limitFlags, type ToleranceLimits } from './tolerance-limits.js';

export interface RiskIndicators {
  subjects: number;
  data_rows: number;
  queries: number;
  query_rate_per_100: number | null;
  open_queries: number;
  out_of_range_values: number;
  out_of_range_rate_per_100: number | null;
  subjects_missing_visits: number;
  subjects_with_arm_changes: number;
  duplicate_visits: number;
  serious_events: number;
  serious_related_events: number;
  fatal_events: number;
}

export interface SiteRisk extends RiskIndicators {
  site_id: string | null;
  flags: LimitFlag[];
}

export interface StudyRisk extends RiskIndicators {
  sites: number;
  sites_flagged: number;
}

type Counted = Omit<RiskIndicators, 'query_rate_per_100' | 'out_of_range_rate_per_100'>;

/** Per 100 data rows; null when there are none (a rate of nothing). */
export const per100 = (count: number, rows: number): number | null => (rows > 0 ? (100 * count) / rows : null);

function withRates(counted: Counted): RiskIndicators {
  return {
    subjects: counted.subjects,
    data_rows: counted.data_rows,
    queries: counted.queries,
    query_rate_per_100: per100(counted.queries, counted.data_rows),
    open_queries: counted.open_queries,
    out_of_range_values: counted.out_of_range_values,
    out_of_range_rate_per_100: per100(counted.out_of_range_values, counted.data_rows),
    subjects_missing_visits: counted.subjects_missing_visits,
    subjects_with_arm_changes: counted.subjects_with_arm_changes,
    duplicate_visits: counted.duplicate_visits,
    serious_events: counted.serious_events,
    serious_related_events: counted.serious_related_events,
    fatal_events: counted.fatal_events,
  };
}

/** Each site's indicators (its counts joined with its rule findings) and the limits it is above. */
export function siteRisks(counts: readonly SiteCounts[], findings: readonly SiteFindingCounts[], limits: ToleranceLimits): SiteRisk[] {
  const bySite = new Map(findings.map((row) => [row.site_id, row]));
  return counts.map(({ site_id: siteId, ...counted }) => {
    const found = bySite.get(siteId);
    const indicators = withRates({
      ...counted,
      out_of_range_values: found?.out_of_range_values ?? 0,
      subjects_missing_visits: found?.subjects_missing_visits ?? 0,
      // Not measurable from published data (ARM_CHANGES_NOT_MEASURED).
      subjects_with_arm_changes: 0,
      duplicate_visits: found?.duplicate_visits ?? 0,
    });
    return { site_id: siteId, ...indicators, flags: limitFlags(indicators, limits) };
  });
}

/** The scope as a whole: counts summed over the sites, rates over the sums. */
export function studyRisk(sites: readonly SiteRisk[]): StudyRisk {
  const sum = (key: keyof Counted): number => sites.reduce((total, site) => total + site[key], 0);
  const counted: Counted = {
    subjects: sum('subjects'),
    data_rows: sum('data_rows'),
    queries: sum('queries'),
    open_queries: sum('open_queries'),
    out_of_range_values: sum('out_of_range_values'),
    subjects_missing_visits: sum('subjects_missing_visits'),
    subjects_with_arm_changes: sum('subjects_with_arm_changes'),
    duplicate_visits: sum('duplicate_visits'),
    serious_events: sum('serious_events'),
    serious_related_events: sum('serious_related_events'),
    fatal_events: sum('fatal_events'),
  };
  return { ...withRates(counted), sites: sites.length, sites_flagged: sites.filter((site) => site.flags.length > 0).length };
}
