import type { Endpoint } from './endpoint.js';

export const EDC_ADVERSE_EVENTS_ENDPOINTS: readonly Endpoint[] = [];
