import type { Endpoint } from './endpoint.js';

export const EDC_VITALS_CAPTURE_ENDPOINTS: readonly Endpoint[] = [];
