import type { Endpoint } from './endpoint.js';

export const QUALITY_QUERIES_ENDPOINTS: readonly Endpoint[] = [];
