import { createHash } from 'node:crypto';
import type { Rule } from '../../../../libs/edit-checks/src/index.js';

/**
 * The sha256 (hex) of a rule library: of its canonical JSON, the rules in library order, each
 * rule's keys sorted, no whitespace. Two libraries with the same rules in the same order have the
 * same digest whatever their version, key order or study; a run can record it beside rules_version.
 */
export function ruleLibrarySha256(rules: readonly Rule[]): string {
  return createHash('sha256').update(canonicalJson(rules), 'utf8').digest('hex');
}

/**
 * JSON with every object's keys sorted (by code unit) and no whitespace. Recursive: only for
 * values already checked as rules (two levels deep), never for a client's raw input.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
