import { type Endpoint, EVERYONE } from './endpoint.js';

export const EDC_CASEBOOK_ENDPOINTS: readonly Endpoint[] = [
  {
    route: 'GET /edc/patients/:subjectId/casebook',
    allowed: EVERYONE,
    status: 200,
    call: (client, known) => client.get(`/edc/patients/${known.subject}/casebook`),
  },
];
