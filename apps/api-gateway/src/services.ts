import { ANALYTICS_SERVICE } from '../../analytics-service/src/analytics.module.js';
import { GENERATION_SERVICE } from '../../data-generation-service/src/generation.module.js';
import { EDC_SERVICE } from '../../edc-service/src/edc.module.js';
import { QUALITY_SERVICE } from '../../quality-service/src/quality.module.js';
import { SECURITY_SERVICE } from '../../security-service/src/security.module.js';
import type { ServiceDefinition } from '../../../libs/platform/src/index.js';

/** Every service behind the gateway: composed in-process (all-in-one) or forwarded to (split). */
export const SERVICES: readonly ServiceDefinition[] = [
  EDC_SERVICE,
  GENERATION_SERVICE,
  ANALYTICS_SERVICE,
  QUALITY_SERVICE,
  SECURITY_SERVICE,
];
