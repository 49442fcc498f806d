import type { Endpoint } from './endpoint.js';

export const EDC_CORRECTIONS_ENDPOINTS: readonly Endpoint[] = [];
