import type { Endpoint } from './endpoint.js';

export const QUALITY_NOISE_ENDPOINTS: readonly Endpoint[] = [];
