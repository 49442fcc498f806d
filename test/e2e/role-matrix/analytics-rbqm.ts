import { type Endpoint, STAT_READERS } from './endpoint.js';

/**
 * Risk-based monitoring and the simulated RECIST response rates read statistics: those who read
 * statistics may call them, on the default study (stored: its one subject), nothing is written.
 */
export const ANALYTICS_RBQM_ENDPOINTS: readonly Endpoint[] = [
  { route: 'POST /analytics/rbqm/summary', allowed: STAT_READERS, status: 200, call: (c) => c.post('/analytics/rbqm/summary').send({}) },
  { route: 'POST /analytics/stats/recist', allowed: STAT_READERS, status: 200, call: (c) => c.post('/analytics/stats/recist').send({ seed: 1 }) },
];
