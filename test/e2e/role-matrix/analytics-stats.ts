import type { Endpoint } from './endpoint.js';

/** The analytics service's statistics (descriptive, comparisons, week12, recist) routes. */
export const ANALYTICS_STATS_ENDPOINTS: readonly Endpoint[] = [];
