import type { Endpoint } from './endpoint.js';

export const EDC_LOCKS_SIGNATURES_ENDPOINTS: readonly Endpoint[] = [];
