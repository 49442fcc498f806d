/**
 * Cache tag of what is read with a study's set-up (a casebook's visits in schedule order and
 * their windows): bumped after every change to the study.
 */
export const studyCacheTag = (protocolId: string): string => `edc:study:${protocolId}`;
