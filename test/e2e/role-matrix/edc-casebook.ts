import type { Endpoint } from './endpoint.js';

export const EDC_CASEBOOK_ENDPOINTS: readonly Endpoint[] = [];
