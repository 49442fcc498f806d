import type { RuleProblems } from './rule-definition-error.js';

/** Control characters other than tab, newline and carriage return (which a message may hold). */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const ANY_CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

interface StringOptions {
  required?: boolean;
  maxLength: number;
  /** Tab, newline and carriage return allowed (a message, a description). */
  multiline?: boolean;
}

interface NumberOptions {
  required?: boolean;
  integer?: boolean;
  /** Exclusive lower bound. */
  above?: number;
  min?: number;
  max?: number;
}

/**
 * Reads the fields of one rule object, noting each problem under its path (`rules[2].min`). Reads
 * own properties only, so a `__proto__` key or an inherited property never stands in for a field.
 */
export class RuleReader {
  constructor(
    private readonly input: Record<string, unknown>,
    private readonly path: string,
    readonly problems: RuleProblems,
  ) {}

  fieldPath(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.input, name) && this.input[name] !== undefined;
  }

  problem(name: string, problem: string): void {
    this.problems.add(this.fieldPath(name), problem);
  }

  keys(): string[] {
    return Object.keys(this.input);
  }

  string(name: string, options: StringOptions): string | undefined {
    if (!this.has(name)) return this.missing(name, options.required);
    const value = this.input[name];
    if (typeof value !== 'string') return this.wrongType(name, 'a string', value);
    return this.checkedString(name, value, options) ? value : undefined;
  }

  number(name: string, options: NumberOptions = {}): number | undefined {
    if (!this.has(name)) return this.missing(name, options.required);
    const value = this.input[name];
    if (typeof value !== 'number') return this.wrongType(name, 'a number', value);
    if (!Number.isFinite(value)) return this.fail(name, 'must be a finite number');
    if (options.integer && !Number.isInteger(value)) return this.fail(name, 'must be a whole number');
    if (options.above !== undefined && value <= options.above) return this.fail(name, `must be greater than ${options.above}`);
    if (options.min !== undefined && value < options.min) return this.fail(name, `must be at least ${options.min}`);
    if (options.max !== undefined && value > options.max) return this.fail(name, `must be at most ${options.max}`);
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    if (!this.has(name)) return fallback;
    const value = this.input[name];
    if (typeof value !== 'boolean') return this.wrongType(name, 'true or false', value) ?? fallback;
    return value;
  }

  /** One of `allowed`; `describe` tells what the allowed values are when the value is not one. */
  oneOf<T extends string>(name: string, allowed: readonly T[], required: boolean, describe = `one of ${allowed.join(', ')}`): T | undefined {
    if (!this.has(name)) {
      if (required) this.problem(name, `is required; ${describe}`);
      return undefined;
    }
    const value = this.input[name];
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    return this.fail(name, `must be ${describe}${typeof value === 'string' ? ` (not "${shorten(value)}")` : ''}`);
  }

  /** A list of distinct strings, each checked as `string` would. */
  stringList(name: string, options: { required?: boolean; maxItems: number; maxLength: number }): string[] | undefined {
    if (!this.has(name)) return this.missing(name, options.required);
    const value = this.input[name];
    if (!Array.isArray(value)) return this.wrongType(name, 'a list of strings', value);
    if (value.length === 0) return this.fail(name, 'must not be empty');
    if (value.length > options.maxItems) return this.fail(name, `must have at most ${options.maxItems} entries (it has ${value.length})`);
    const seen = new Set<string>();
    value.forEach((item: unknown, index) => {
      const itemName = `${name}[${index}]`;
      if (typeof item !== 'string') return this.wrongType(itemName, 'a string', item);
      if (!this.checkedString(itemName, item, { maxLength: options.maxLength })) return;
      if (seen.has(item)) this.problem(itemName, `"${shorten(item)}" is listed twice`);
      seen.add(item);
    });
    return value as string[];
  }

  private checkedString(name: string, value: string, options: StringOptions): boolean {
    if (value.trim().length === 0) return this.fail(name, 'must not be empty') ?? false;
    if (value.length > options.maxLength) return this.fail(name, `must be at most ${options.maxLength} characters (it has ${value.length})`) ?? false;
    if ((options.multiline ? CONTROL_CHARACTERS : ANY_CONTROL_CHARACTER).test(value)) {
      return this.fail(name, options.multiline ? 'must not contain control characters other than tab and newline' : 'must not contain control characters') ?? false;
    }
    return true;
  }

  private missing(name: string, required: boolean | undefined): undefined {
    if (required) this.problem(name, 'is required');
    return undefined;
  }

  private wrongType(name: string, expected: string, value: unknown): undefined {
    return this.fail(name, `must be ${expected} (not ${describeType(value)})`);
  }

  private fail(name: string, problem: string): undefined {
    this.problem(name, problem);
    return undefined;
  }
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text "${shorten(value)}"`;
  return `${typeof value} ${String(value)}`;
}

/** Echoed values are cut short: a problem names the value, it does not repeat a document. */
export function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** A plain object (not a list, not a class instance, not one whose prototype was replaced). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  // Object.prototype of any realm (a test sandbox's included) is the one object whose prototype is null.
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}
