import type { Endpoint } from './endpoint.js';

export const EDC_STUDIES_ENDPOINTS: readonly Endpoint[] = [];
