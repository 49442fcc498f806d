import { type Endpoint, RULE_MANAGERS, RULE_READERS } from './endpoint.js';

/**
 * The routes of the rule libraries. Reads use the default study (never edited: the defaults);
 * writes name a study nobody has, so an allowed role gets 404 and nothing is written, any other 403.
 */
const NO_SUCH_STUDY = 'NO-SUCH-STUDY-ROLES';
const RULE = { type: 'range', severity: 'minor', field: 'HeartRate', min: 40, max: 150, message: 'Heart rate out of range' };
const DOCUMENT = { format: 'json', mode: 'merge', document: JSON.stringify({ rules: [{ id: 'HR-WIDE', ...RULE }] }) };

export const QUALITY_RULES_ENDPOINTS: readonly Endpoint[] = [
  { route: 'GET /quality/checks/rules', allowed: RULE_READERS, status: 200, call: (c) => c.get('/quality/checks/rules?study=DEFAULT') },
  { route: 'GET /quality/checks/rules/versions', allowed: RULE_READERS, status: 200, call: (c) => c.get('/quality/checks/rules/versions?study=DEFAULT') },
  { route: 'GET /quality/checks/rules/versions/:version', allowed: RULE_READERS, status: 200, call: (c) => c.get('/quality/checks/rules/versions/0?study=DEFAULT') },
  { route: 'GET /quality/checks/rules/export', allowed: RULE_READERS, status: 200, call: (c) => c.get('/quality/checks/rules/export?study=DEFAULT&format=json') },
  { route: 'GET /quality/checks/rules/:ruleId', allowed: RULE_READERS, status: 200, call: (c) => c.get('/quality/checks/rules/VS001?study=DEFAULT') },
  {
    route: 'POST /quality/checks/rules/import',
    allowed: RULE_MANAGERS,
    status: 404,
    call: (c) => c.post(`/quality/checks/rules/import?study=${NO_SUCH_STUDY}`).send(DOCUMENT),
  },
  {
    route: 'PUT /quality/checks/rules/:ruleId',
    allowed: RULE_MANAGERS,
    status: 404,
    call: (c) => c.put(`/quality/checks/rules/HR-WIDE?study=${NO_SUCH_STUDY}`).send(RULE),
  },
  {
    route: 'DELETE /quality/checks/rules/:ruleId',
    allowed: RULE_MANAGERS,
    status: 404,
    call: (c) => c.delete(`/quality/checks/rules/VS001?study=${NO_SUCH_STUDY}`),
  },
];
