import type { Endpoint } from './endpoint.js';

export const EDC_SUBJECTS_ENDPOINTS: readonly Endpoint[] = [];
