import { createHash } from 'node:crypto';
import type { Rule } from '../../../../libs/edit-checks/src/index.js';

/**
 * JSON with every object's keys sorted and no spaces (arrays keep their order): the same rules
 * give the same text whoever built the objects. `undefined` properties are left out, as JSON does.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What a run records of the rules it ran: sha256 (hex) of the library's rules as canonical JSON.
 * The version number alone cannot be trusted across releases: version 0 is the defaults, and they
 * may change from one release to the next.
 */
export function rulesSha256(rules: readonly Rule[]): string {
  return createHash('sha256').update(canonicalJson(rules), 'utf8').digest('hex');
}
