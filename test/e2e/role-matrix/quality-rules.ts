import type { Endpoint } from './endpoint.js';

export const QUALITY_RULES_ENDPOINTS: readonly Endpoint[] = [];
