import type { Endpoint } from './endpoint.js';

export const GENERATION_DATASETS_ENDPOINTS: readonly Endpoint[] = [];
