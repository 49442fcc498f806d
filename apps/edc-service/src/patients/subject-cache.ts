/** Cache tag of everything read about one subject number; bumped after each store touching it. */
export const subjectCacheTag = (subjectNumber: string): string => `edc:subject:${subjectNumber}`;

export const vitalsCacheKey = (subjectNumber: string, protocolId?: string): string =>
  `edc:vitals:${protocolId ?? '*'}:${subjectNumber}`;
