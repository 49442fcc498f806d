import type { Endpoint } from './endpoint.js';

/** The analytics service's the clinical study report routes. */
export const ANALYTICS_CSR_ENDPOINTS: readonly Endpoint[] = [];
