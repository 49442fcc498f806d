export { subjectCacheTag } from '../../../../libs/database/src/index.js';

export const vitalsCacheKey = (subjectNumber: string, protocolId?: string): string =>
  `edc:vitals:${protocolId ?? '*'}:${subjectNumber}`;
