import type { Endpoint } from './endpoint.js';

/** The analytics service's SDTM and FHIR exports routes. */
export const ANALYTICS_EXPORTS_ENDPOINTS: readonly Endpoint[] = [];
