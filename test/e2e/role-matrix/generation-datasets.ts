import { type Endpoint, GENERATED_DATA_STORERS, GENERATORS } from './endpoint.js';

/**
 * The routes of stored datasets and their jobs. The role check comes before the lookup, so a
 * dataset id nobody has is enough: an allowed role gets 404, any other 403.
 */
const NO_SUCH_DATASET = '00000000-0000-4000-8000-00000000d47a';

export const GENERATION_DATASETS_ENDPOINTS: readonly Endpoint[] = [
  { route: 'GET /generation/datasets', allowed: GENERATORS, status: 200, call: (c) => c.get('/generation/datasets') },
  { route: 'GET /generation/datasets/:id', allowed: GENERATORS, status: 404, call: (c) => c.get(`/generation/datasets/${NO_SUCH_DATASET}`) },
  {
    route: 'GET /generation/datasets/:id/export',
    allowed: GENERATORS,
    status: 404,
    call: (c) => c.get(`/generation/datasets/${NO_SUCH_DATASET}/export?format=json`),
  },
  { route: 'GET /generation/jobs/:id', allowed: GENERATORS, status: 404, call: (c) => c.get(`/generation/jobs/${NO_SUCH_DATASET}`) },
  { route: 'DELETE /generation/jobs/:id', allowed: GENERATED_DATA_STORERS, status: 404, call: (c) => c.delete(`/generation/jobs/${NO_SUCH_DATASET}`) },
];
