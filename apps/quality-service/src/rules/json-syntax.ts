/** Where a JSON text first breaks the grammar, for a message a person can act on. */
export interface JsonSyntaxProblem {
  /** syntax: not JSON at all; depth and repeated-key: JSON that a rule document may not be. */
  kind: JsonProblemKind;
  line: number;
  column: number;
  problem: string;
}

type JsonProblemKind = 'syntax' | 'depth' | 'repeated-key';

/** Nesting deeper than this is refused (JSON.parse would accept it, but no rule document needs more than 4). */
export const MAX_JSON_DEPTH = 64;

/**
 * The first thing in a JSON text that a rule document may not hold, with its line and column: a
 * break of the grammar (RFC 8259; Node's JSON.parse names no position for some errors), nesting
 * deeper than MAX_JSON_DEPTH, or a key repeated in one object (JSON.parse would silently keep the
 * last value; YAML refuses it too). Run before JSON.parse; its recursion stops at MAX_JSON_DEPTH.
 */
export function findJsonProblem(text: string): JsonSyntaxProblem | undefined {
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntaxFailure)) throw error;
    return { kind: error.kind, ...scanner.lineAndColumn(error.position), problem: error.message };
  }
}

class JsonSyntaxFailure extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly kind: JsonProblemKind,
  ) {
    super(message);
  }
}

class JsonScanner {
  private position = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.value(0);
    this.whitespace();
    if (this.position < this.text.length) this.fail('unexpected text after the end of the document');
  }

  lineAndColumn(position: number): { line: number; column: number } {
    const before = this.text.slice(0, position).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }

  /** `depth`: the number of objects and lists the value is inside. */
  private value(depth: number): void {
    this.whitespace();
    const char = this.text[this.position];
    if (char === '{') return this.object(depth);
    if (char === '[') return this.array(depth);
    if (char === '"') return this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.position)) {
        this.position += literal.length;
        return;
      }
    }
    this.fail(char === undefined ? 'the document ends where a value was expected' : `expected a value, found ${quote(char)}`);
  }

  private object(depth: number): void {
    this.enter(depth);
    const keys = new Map<string, number>();
    this.whitespace();
    if (this.text[this.position] === '}') {
      this.position += 1;
      return;
    }
    for (;;) {
      this.whitespace();
      if (this.text[this.position] !== '"') this.fail(`expected a property name in double quotes, found ${this.found()}`);
      const keyAt = this.position;
      this.string();
      this.refuseRepeatedKey(keys, keyAt);
      this.whitespace();
      this.expect(':', 'after a property name');
      this.value(depth + 1);
      this.whitespace();
      if (this.text[this.position] === ',') {
        this.position += 1;
        this.whitespace();
        if (this.text[this.position] === '}') this.fail('a comma before } (trailing commas are not JSON)');
        continue;
      }
      this.expect('}', 'or "," after a property value');
      return;
    }
  }

  private array(depth: number): void {
    this.enter(depth);
    this.whitespace();
    if (this.text[this.position] === ']') {
      this.position += 1;
      return;
    }
    for (;;) {
      this.value(depth + 1);
      this.whitespace();
      if (this.text[this.position] === ',') {
        this.position += 1;
        this.whitespace();
        if (this.text[this.position] === ']') this.fail('a comma before ] (trailing commas are not JSON)');
        continue;
      }
      this.expect(']', 'or "," after a list entry');
      return;
    }
  }

  /** Steps into an object or list that `depth` others enclose. */
  private enter(depth: number): void {
    if (depth + 1 > MAX_JSON_DEPTH) this.fail(`is nested more than ${MAX_JSON_DEPTH} levels deep (a rule document needs 4)`, 'depth');
    this.position += 1;
  }

  private refuseRepeatedKey(keys: Map<string, number>, keyAt: number): void {
    // The key as JSON.parse reads it: "\u0061" and "a" are the same key.
    const key = JSON.parse(this.text.slice(keyAt, this.position)) as string;
    const first = keys.get(key);
    if (first === undefined) {
      keys.set(key, keyAt);
      return;
    }
    const { line, column } = this.lineAndColumn(first);
    this.position = keyAt;
    this.fail(`the key "${key.length > 40 ? `${key.slice(0, 40)}…` : key}" appears twice in one object (first at line ${line}, column ${column}); each key may appear once`, 'repeated-key');
  }

  private string(): void {
    this.position += 1;
    while (this.position < this.text.length) {
      const char = this.text[this.position];
      if (char === '"') {
        this.position += 1;
        return;
      }
      if (char < ' ') this.fail('a control character (such as a newline) inside a string; write it as \\n');
      if (char === '\\') {
        const escape = this.text[this.position + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.position + 2, this.position + 6))) this.fail('\\u must be followed by 4 hexadecimal digits');
          this.position += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) this.fail(`an invalid escape \\${escape ?? ''} in a string`);
        this.position += 2;
        continue;
      }
      this.position += 1;
    }
    this.fail('a string that is never closed with "');
  }

  private number(): void {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('an invalid number');
    this.position += match![0].length;
  }

  private whitespace(): void {
    while (' \t\n\r'.includes(this.text[this.position] ?? 'x')) this.position += 1;
  }

  private expect(char: string, what: string): void {
    if (this.text[this.position] !== char) this.fail(`expected "${char}" ${what}, found ${this.found()}`);
    this.position += 1;
  }

  private found(): string {
    const char = this.text[this.position];
    return char === undefined ? 'the end of the document' : quote(char);
  }

  private fail(message: string, kind: JsonProblemKind = 'syntax'): never {
    throw new JsonSyntaxFailure(message, this.position, kind);
  }
}

/** A JSON number where the scan stands (sticky: matched at lastIndex only). */
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

function quote(char: string): string {
  return char === '\n' ? 'a line break' : `"${char}"`;
}
