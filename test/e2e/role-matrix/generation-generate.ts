import type { Endpoint } from './endpoint.js';

export const GENERATION_GENERATE_ENDPOINTS: readonly Endpoint[] = [];
