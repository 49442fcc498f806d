import type { Endpoint } from './endpoint.js';

/** The analytics service's risk-based monitoring routes. */
export const ANALYTICS_RBQM_ENDPOINTS: readonly Endpoint[] = [];
