/**
 * PostgreSQL's COPY text format: one line per row, columns separated by tabs, `\N` for null, and a
 * backslash escaping itself, tab, newline and carriage return inside a value (nothing else needs
 * escaping in text format: quotes and any other character go through as they are).
 */

export type CopyValue = string | number | boolean | null | undefined;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPABLE = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value as a COPY text field (null and undefined are `\N`). */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  // Most values need no escaping: testing first spares a replace (and its copy) per field.
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPABLE, (character) => ESCAPES[character]) : value;
}
