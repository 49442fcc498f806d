import type { Endpoint } from './endpoint.js';
import { GENERATION_DATASETS_ENDPOINTS } from './generation-datasets.js';
import { GENERATION_GENERATE_ENDPOINTS } from './generation-generate.js';

/** The data-generation service's routes in the role matrix, one file per feature. */
export const GENERATION_ENDPOINTS: readonly Endpoint[] = [...GENERATION_GENERATE_ENDPOINTS, ...GENERATION_DATASETS_ENDPOINTS];
