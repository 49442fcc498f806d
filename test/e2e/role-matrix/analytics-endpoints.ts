import { ANALYTICS_CSR_ENDPOINTS } from './analytics-csr.js';
import { ANALYTICS_EXPORTS_ENDPOINTS } from './analytics-exports.js';
import { ANALYTICS_RBQM_ENDPOINTS } from './analytics-rbqm.js';
import { ANALYTICS_STATS_ENDPOINTS } from './analytics-stats.js';
import type { Endpoint } from './endpoint.js';

/** The analytics service's routes in the role matrix, one file per feature. */
export const ANALYTICS_ENDPOINTS: readonly Endpoint[] = [...ANALYTICS_STATS_ENDPOINTS, ...ANALYTICS_RBQM_ENDPOINTS, ...ANALYTICS_CSR_ENDPOINTS, ...ANALYTICS_EXPORTS_ENDPOINTS];
