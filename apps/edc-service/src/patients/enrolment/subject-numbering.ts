/**
 * Where the next subject number of a study's format comes from (formats as `subjectIdFormatProblem`
 * in studies/ accepts them): the sequence counts per study, or per site when the format names
 * `{site}`; the next number is one above the highest the study already holds in that format.
 */
const PLACEHOLDER = /\{[^{}]*\}/g;
/** PostgreSQL regular-expression metacharacters, escaped in the literal parts of a format. */
const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/g;
/** A sequence number with more digits does not fit a PostgreSQL bigint; such numbers are not counted. */
const MAX_SEQUENCE_DIGITS = 18;

export const sequencedPerSite = (format: string): boolean => format.includes('{site}');

/**
 * A PostgreSQL regular expression matching the study's subject numbers in this format (at this
 * site), whose one capturing group is the sequence number.
 */
export function sequencePattern(format: string, siteId: string | null): string {
  let pattern = '';
  let last = 0;
  for (const match of format.matchAll(PLACEHOLDER)) {
    pattern += escape(format.slice(last, match.index));
    pattern += match[0] === '{site}' ? escape(siteId ?? '') : `([0-9]{1,${MAX_SEQUENCE_DIGITS}})`;
    last = match.index + match[0].length;
  }
  return `^${pattern}${escape(format.slice(last))}$`;
}

/** What the advisory lock of a sequence is taken on: one sequence per study, or per study and site. */
export function sequenceLockKey(protocolId: string, format: string, siteId: string | null): string {
  return `subject-sequence:${protocolId}:${sequencedPerSite(format) ? (siteId ?? '') : '*'}`;
}

/** The subject number of a sequence number: `{seq:N}` zero-padded to N digits (a larger number written in full), `{site}` the site. */
export function subjectNumberAt(format: string, siteId: string | null, sequence: number): string {
  return format.replace(PLACEHOLDER, (placeholder) => {
    if (placeholder === '{site}') return siteId ?? '';
    const digits = /^\{seq:([1-9])\}$/.exec(placeholder)?.[1];
    return String(sequence).padStart(Number(digits ?? 1), '0');
  });
}

const escape = (literal: string): string => literal.replace(REGEX_SPECIAL, (character) => `\\${character}`);
