/**
 * The API's request checks that `withDefaults` does not repeat (they live on its DTOs, whose
 * decorators would load the whole platform into a command that needs a fraction of a second).
 * api-limits.spec.ts fails when they drift apart from the DTOs.
 */

/** `MAX_SUBJECTS` of generation-parameters.dto.ts: the most subjects one request may ask for. */
export const MAX_SUBJECTS = 500_000;
/** `PROTOCOL_ID` of parameter-validators.ts. */
export const PROTOCOL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** `SITE_ID` of parameter-validators.ts. */
export const SITE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The effect visit as the rules DTO takes it: 1 to 64 characters, not blank. */
export const VISIT_NAME = /^(?=[\s\S]*\S)[\s\S]{1,64}$/u;
