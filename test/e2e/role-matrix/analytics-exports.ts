import { type Endpoint, EXPORTERS } from './endpoint.js';

/**
 * The analytics service's SDTM and FHIR exports routes: data managers, statisticians and admins
 * export the default study (one row or one subject is enough to show the call is allowed).
 */
export const ANALYTICS_EXPORTS_ENDPOINTS: readonly Endpoint[] = [
  { route: 'POST /analytics/sdtm/export', allowed: EXPORTERS, status: 200, call: (c) => c.post('/analytics/sdtm/export').send({ domain: 'DM', limit: 1 }) },
  { route: 'POST /analytics/fhir/export', allowed: EXPORTERS, status: 200, call: (c) => c.post('/analytics/fhir/export').send({ limit: 1 }) },
  { route: 'GET /analytics/fhir/export', allowed: EXPORTERS, status: 200, call: (c) => c.get('/analytics/fhir/export').query({ limit: 1 }) },
];
