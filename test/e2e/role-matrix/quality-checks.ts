import { createHash } from 'node:crypto';
import { type Endpoint, QUERY_READERS, RULE_MANAGERS, RULE_READERS } from './endpoint.js';

/**
 * Checking a batch or trying a rule stores nothing: every role may. A run over stored data (which
 * opens queries) is the data managers'; its results are read by those who read queries. The role
 * check comes before the lookup, so a run id nobody has is enough: an allowed role gets 404.
 */
const NO_SUCH_RUN = '00000000-0000-4000-8000-0000000c4ec5';
const RECORD = { SubjectID: 'RA001-001', VisitName: 'Day 1', TreatmentArm: 'Active', SystolicBP: 250, DiastolicBP: 80, HeartRate: 72, Temperature: 36.8 };
/** A dataset id of the calling role's own (no such dataset is stored: the run reads nothing, and is stored or not). */
const datasetOf = (subject: string): string => {
  const hex = createHash('md5').update(subject).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
const TRIED_RULE = { id: 'TRY-1', type: 'range', field: 'SystolicBP', max: 200, severity: 'minor', message: 'Systolic above 200' };

export const QUALITY_CHECKS_ENDPOINTS: readonly Endpoint[] = [
  { route: 'POST /quality/checks/validate', allowed: RULE_READERS, status: 200, call: (c) => c.post('/quality/checks/validate').send({ records: [RECORD] }) },
  {
    route: 'POST /quality/checks/try',
    allowed: RULE_READERS,
    status: 200,
    call: (c) => c.post('/quality/checks/try').send({ rule: TRIED_RULE, records: [RECORD] }),
  },
  {
    route: 'POST /quality/checks/run',
    allowed: RULE_MANAGERS,
    status: 201,
    call: (c, known) => c.post('/quality/checks/run').send({ study: 'DEFAULT', dataset_id: datasetOf(known.subject) }),
    nothingDone: async (platform, attempt) => {
      const runs = await platform.database?.admin(`SELECT count(*)::int AS n FROM quality_runs WHERE dataset_id = $1`, [datasetOf(attempt.subject)]);
      if (runs && runs.rows[0].n !== 0) throw new Error(`a refused run of ${attempt.subject} was stored`);
    },
  },
  { route: 'GET /quality/checks/runs', allowed: QUERY_READERS, status: 200, call: (c) => c.get('/quality/checks/runs?study=DEFAULT') },
  { route: 'GET /quality/checks/runs/:id', allowed: QUERY_READERS, status: 404, call: (c) => c.get(`/quality/checks/runs/${NO_SUCH_RUN}`) },
  {
    route: 'GET /quality/checks/runs/:id/findings',
    allowed: QUERY_READERS,
    status: 404,
    call: (c) => c.get(`/quality/checks/runs/${NO_SUCH_RUN}/findings`),
  },
];
