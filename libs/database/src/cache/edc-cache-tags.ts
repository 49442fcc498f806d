/**
 * Cache tags the EDC bumps after its writes, published like its views: other services tag their
 * cached results with them so that a result is never served after the data it read has changed.
 * The EDC's bulk-load function writes the same names in SQL (migration 1765000000000).
 */

/** Everything read about one subject number; bumped after each write touching it. */
export const subjectCacheTag = (subjectNumber: string): string => `edc:subject:${subjectNumber}`;

/** What is read with a study's set-up (arms, visit schedule, baseline visit); bumped after every change to the study. */
export const studyCacheTag = (protocolId: string): string => `edc:study:${protocolId}`;

/** Anything computed over a study's clinical data (subjects, vitals, adverse events); bumped after every write of them. */
export const studyDataCacheTag = (protocolId: string): string => `edc:study-data:${protocolId}`;
