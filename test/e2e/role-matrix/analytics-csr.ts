import { createHash } from 'node:crypto';
import { type Endpoint, REPORT_WRITERS, STAT_READERS } from './endpoint.js';

/**
 * Generating a study report stores a version: statisticians and admins only; drafting one is the
 * same work without storing, so the same roles. Reading stored versions is for those who read
 * statistics. The role check comes before the lookup, so an id nobody has is enough: 404.
 */
const NO_SUCH_REPORT = '00000000-0000-4000-8000-0000000c5a00';
/** A dataset id of the calling role's own (no such dataset: the report covers no subject), so a refused call is seen to store nothing. */
const datasetOf = (subject: string): string => {
  const hex = createHash('sha256').update(`csr:${subject}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const ANALYTICS_CSR_ENDPOINTS: readonly Endpoint[] = [
  {
    route: 'POST /analytics/csr',
    allowed: REPORT_WRITERS,
    status: 201,
    call: (c, known) => c.post('/analytics/csr').send({ study: 'DEFAULT', dataset_id: datasetOf(known.subject) }),
    nothingDone: async (platform, attempt) => {
      const stored = await platform.database?.admin(`SELECT count(*)::int AS n FROM documents WHERE scope->>'dataset_id' = $1`, [datasetOf(attempt.subject)]);
      if (stored && stored.rows[0].n !== 0) throw new Error(`a refused report generation for ${attempt.subject} was stored`);
    },
  },
  { route: 'POST /analytics/csr/draft', allowed: REPORT_WRITERS, status: 200, call: (c, known) => c.post('/analytics/csr/draft').send({ study: 'DEFAULT', dataset_id: datasetOf(known.subject) }) },
  { route: 'GET /analytics/csr', allowed: STAT_READERS, status: 200, call: (c) => c.get('/analytics/csr?study=DEFAULT') },
  { route: 'GET /analytics/csr/:id', allowed: STAT_READERS, status: 404, call: (c) => c.get(`/analytics/csr/${NO_SUCH_REPORT}`) },
];
