import { EDC_ADVERSE_EVENTS_ENDPOINTS } from './edc-adverse-events.js';
import { EDC_CASEBOOK_ENDPOINTS } from './edc-casebook.js';
import { EDC_CORRECTIONS_ENDPOINTS } from './edc-corrections.js';
import { EDC_LOCKS_SIGNATURES_ENDPOINTS } from './edc-locks-signatures.js';
import { EDC_STUDIES_ENDPOINTS } from './edc-studies.js';
import { EDC_SUBJECTS_ENDPOINTS } from './edc-subjects.js';
import { EDC_VITALS_CAPTURE_ENDPOINTS } from './edc-vitals-capture.js';
import type { Endpoint } from './endpoint.js';

/** The EDC's routes in the role matrix, one file per feature. */
export const EDC_ENDPOINTS: readonly Endpoint[] = [
  ...EDC_STUDIES_ENDPOINTS,
  ...EDC_SUBJECTS_ENDPOINTS,
  ...EDC_VITALS_CAPTURE_ENDPOINTS,
  ...EDC_CORRECTIONS_ENDPOINTS,
  ...EDC_ADVERSE_EVENTS_ENDPOINTS,
  ...EDC_LOCKS_SIGNATURES_ENDPOINTS,
  ...EDC_CASEBOOK_ENDPOINTS,
];
