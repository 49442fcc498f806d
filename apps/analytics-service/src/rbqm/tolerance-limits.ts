/**
 * The quality tolerance limits a site's key risk indicators are held to (the design's defaults),
 * and the flags of a site that crossed them. A limit is crossed when the indicator is strictly
 * above it ("more than 3 subjects", "above 6 per 100 rows").
 */
export interface ToleranceLimits {
  /** Queries (not cancelled) per 100 stored vital-sign rows. */
  query_rate_per_100: number;
  /** Subjects with at least one missing required visit. */
  subjects_missing_visits: number;
  /** Serious adverse events related to the study treatment. */
  serious_related_events: number;
}

export type ToleranceLimitName = keyof ToleranceLimits;

export const DEFAULT_TOLERANCE_LIMITS: Readonly<ToleranceLimits> = Object.freeze({
  query_rate_per_100: 6,
  subjects_missing_visits: 3,
  serious_related_events: 5,
});

/** The indicators of one site (or the study) that the limits read; a rate is null without data rows. */
export type LimitedIndicators = { [name in ToleranceLimitName]: number | null };

export interface LimitFlag {
  tolerance_limit: ToleranceLimitName;
  value: number;
  threshold: number;
  message: string;
}

const DESCRIBE: Readonly<Record<ToleranceLimitName, (value: number, threshold: number) => string>> = {
  query_rate_per_100: (value, threshold) =>
    `Query rate ${round(value)} per 100 data rows is above the limit of ${threshold}: review the site's data entry and source documents`,
  subjects_missing_visits: (value, threshold) =>
    `${value} subjects miss a required visit, more than the limit of ${threshold}: check the site's visit scheduling and data entry`,
  serious_related_events: (value, threshold) =>
    `${value} serious adverse events related to treatment, more than the limit of ${threshold}: review the site's safety data with the medical monitor`,
};

/** The limits of a request: the defaults, each replaced where the request gives one. */
export function effectiveLimits(overrides: Partial<ToleranceLimits> | undefined): ToleranceLimits {
  return {
    query_rate_per_100: overrides?.query_rate_per_100 ?? DEFAULT_TOLERANCE_LIMITS.query_rate_per_100,
    subjects_missing_visits: overrides?.subjects_missing_visits ?? DEFAULT_TOLERANCE_LIMITS.subjects_missing_visits,
    serious_related_events: overrides?.serious_related_events ?? DEFAULT_TOLERANCE_LIMITS.serious_related_events,
  };
}

/** Each limit the indicators are above, in the order of the limits; an indicator that is null crosses nothing. */
export function limitFlags(indicators: LimitedIndicators, limits: ToleranceLimits): LimitFlag[] {
  return (Object.keys(DESCRIBE) as ToleranceLimitName[]).flatMap((name) => {
    const value = indicators[name];
    const threshold = limits[name];
    return value !== null && value > threshold ? [{ tolerance_limit: name, value, threshold, message: DESCRIBE[name](value, threshold) }] : [];
  });
}

const round = (value: number): string => String(Math.round(value * 100) / 100);
