import type { Endpoint } from './endpoint.js';

/**
 * The EDC's routes in the role matrix, one file per feature (studies, subjects, vitals, adverse
 * events, locks and signatures, casebook), each exporting its own list.
 */
export const EDC_ENDPOINTS: readonly Endpoint[] = [];
