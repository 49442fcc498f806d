/**
 * What one request may ask for, beyond what `withDefaults` checks: the API's DTOs and the
 * generate command check the same limits (this file has no decorators, so the command loads fast).
 */

/** Subjects per request: a stored dataset of 1,000,000 records is about 250,000 subjects with the default schedule. */
export const MAX_SUBJECTS = 500_000;
export const PROTOCOL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const PROTOCOL_ID_RULE = 'must be a protocol code such as RA001 (letters, digits, dots, dashes, underscores; at most 64)';
export const SITE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A visit name as capture takes it: 1 to 64 characters, not blank. */
export const VISIT_NAME = /^(?=[\s\S]*\S)[\s\S]{1,64}$/u;
