/**
 * How enrolment numbers subjects: literal letters, digits, `.`, `-`, `_`, exactly one `{seq}` or
 * `{seq:N}` (the study-wide sequence, N digits with leading zeros, 1 to 9) and at most one `{site}`
 * (the subject's site id). `RA001-{seq:3}` gives RA001-001, `{site}-{seq:4}` gives S01-0001.
 */
export const SUBJECT_ID_FORMAT_HINT =
  'must hold exactly one {seq} or {seq:N} (N digits, 1 to 9), at most one {site}, and otherwise only letters, digits, dots, dashes or underscores, e.g. RA001-{seq:3} or {site}-{seq:4}';

const PLACEHOLDER = /\{[^{}]*\}/g;
const LITERAL = /^[A-Za-z0-9._-]*$/;
const SEQ = /^\{seq(?::([1-9]))?\}$/;
/** Subject numbers are at most 64 characters (CLINICAL_CODE). */
const MAX_SUBJECT_ID_LENGTH = 64;

/** What is wrong with a subject id format, or null when it is usable. */
export function subjectIdFormatProblem(format: string): string | null {
  if (format.length === 0 || format.length > 100) return `must be 1 to 100 characters; it ${SUBJECT_ID_FORMAT_HINT}`;
  const placeholders = format.match(PLACEHOLDER) ?? [];
  const unknown = placeholders.find((placeholder) => placeholder !== '{site}' && !SEQ.test(placeholder));
  if (unknown) return `names an unknown placeholder ${unknown}; it ${SUBJECT_ID_FORMAT_HINT}`;
  const literal = format.replace(PLACEHOLDER, '');
  if (!LITERAL.test(literal)) return `has characters a subject number cannot hold; it ${SUBJECT_ID_FORMAT_HINT}`;
  const sequences = placeholders.filter((placeholder) => SEQ.test(placeholder));
  if (sequences.length !== 1) return `holds ${sequences.length} sequence placeholders ({seq} or {seq:N}); it ${SUBJECT_ID_FORMAT_HINT}`;
  if (placeholders.filter((placeholder) => placeholder === '{site}').length > 1) return `holds {site} more than once; it ${SUBJECT_ID_FORMAT_HINT}`;
  if (!/^[A-Za-z0-9{]/.test(format)) return `must start with a letter, a digit or a placeholder; it ${SUBJECT_ID_FORMAT_HINT}`;
  if (literal.length + sequenceDigits(format) > MAX_SUBJECT_ID_LENGTH) return `gives subject numbers longer than ${MAX_SUBJECT_ID_LENGTH} characters`;
  return null;
}

/** The number of digits `{seq:N}` asks for (at least; a larger sequence number is written in full), 1 for `{seq}`. */
function sequenceDigits(format: string): number {
  const match = /\{seq(?::([1-9]))?\}/.exec(format);
  return match?.[1] ? Number(match[1]) : 1;
}

/** The subject number a usable format gives for a site and a sequence number (from 1). */
export function subjectNumberFrom(format: string, siteId: string | null, sequence: number): string {
  const digits = sequenceDigits(format);
  return format.replace(PLACEHOLDER, (placeholder) => (placeholder === '{site}' ? (siteId ?? '') : String(sequence).padStart(digits, '0')));
}
