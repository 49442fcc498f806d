import type { Endpoint } from './endpoint.js';

export const QUALITY_CHECKS_ENDPOINTS: readonly Endpoint[] = [];
