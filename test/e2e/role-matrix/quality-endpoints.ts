import type { Endpoint } from './endpoint.js';
import { QUALITY_CHECKS_ENDPOINTS } from './quality-checks.js';
import { QUALITY_NOISE_ENDPOINTS } from './quality-noise.js';
import { QUALITY_QUERIES_ENDPOINTS } from './quality-queries.js';
import { QUALITY_RULES_ENDPOINTS } from './quality-rules.js';

/** The quality service's routes in the role matrix, one file per feature. */
export const QUALITY_ENDPOINTS: readonly Endpoint[] = [...QUALITY_RULES_ENDPOINTS, ...QUALITY_CHECKS_ENDPOINTS, ...QUALITY_QUERIES_ENDPOINTS, ...QUALITY_NOISE_ENDPOINTS];
