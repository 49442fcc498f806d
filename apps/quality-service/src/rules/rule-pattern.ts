/**
 * A rule's regular expression runs in two engines: JavaScript (checking a batch, trying a rule) and
 * PostgreSQL's `~` (advanced regular expressions, over stored data). Only the syntax both read the
 * same way is accepted; everything else is refused with what to write instead.
 */
export const MAX_PATTERN_LENGTH = 200;

/** PostgreSQL refuses repeat counts above 255 (RE_DUP_MAX). */
const MAX_REPEAT_COUNT = 255;

/** The expression both engines match against the whole value. */
export function wholeValuePattern(regex: string): string {
  return `^(?:${regex})$`;
}

/**
 * JavaScript's RegExp for a rule's pattern, read as PostgreSQL reads it: `s` because PostgreSQL's
 * `.` matches a newline too, `u` because it counts characters, not UTF-16 halves.
 */
export function compileRulePattern(regex: string): RegExp {
  return new RegExp(wholeValuePattern(regex), 'su');
}

/** What is wrong with a rule's regular expression; empty when both engines accept it alike. */
export function patternProblems(regex: string): string[] {
  if (regex.length === 0) return ['must not be empty'];
  if (regex.length > MAX_PATTERN_LENGTH) return [`must be at most ${MAX_PATTERN_LENGTH} characters (it has ${regex.length})`];
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f]/.test(regex)) return ['must not contain control characters; write \\n or \\t for a newline or tab'];
  // The scanner first: its problems say what to write instead, where the compiler only names a symptom.
  const unshared = new PatternScanner(regex).problems();
  if (unshared.length > 0) return unshared;
  try {
    // Alone as well as anchored: only a pattern that is whole by itself cannot reach outside its group.
    new RegExp(regex, 'su');
    compileRulePattern(regex);
  } catch (error) {
    // V8 names the wrapped expression and its flags first ("Invalid regular expression: /^(?:…)$/su: "): keep the reason.
    const reason = (error as Error).message.split(': ').pop();
    const hint = reason === 'Invalid escape' ? ' (escape only ^ $ \\ . * + ? ( ) [ ] { } | / and, inside [...], -)' : '';
    return [`is not a valid regular expression: ${reason}${hint}`];
  }
  return [];
}

/**
 * Backtracking (JavaScript) takes polynomial time in the number of open-ended repeats that can
 * share characters (`\\w*\\w*\\w*!`): three keep a failing 64-character value below a million steps.
 */
const MAX_OPEN_REPEATS = 3;
/** A repeat whose count may vary by more than this is open-ended for that limit. */
const OPEN_REPEAT_SPAN = 10;

interface Group {
  /** Holds a quantifier whose count varies (`*`, `+`, `?`, `{1,3}`). */
  variable: boolean;
  /** Holds alternatives (`a|ab`) at its own level. */
  alternatives: boolean;
}

interface Quantifier {
  length: number;
  min: number;
  max: number;
}

class PatternScanner {
  private readonly found: string[] = [];
  private readonly groups: Group[] = [{ variable: false, alternatives: false }];
  private position = 0;
  private openRepeats = 0;

  constructor(private readonly regex: string) {}

  problems(): string[] {
    while (this.position < this.regex.length && this.found.length === 0) this.step();
    return this.found;
  }

  private step(): void {
    const char = this.regex[this.position];
    switch (char) {
      case '\\':
        this.escape(false);
        return this.afterAtom(null);
      case '[':
        this.characterClass();
        return this.afterAtom(null);
      case '(':
        return this.openGroup();
      case ')':
        // Unbalanced, `a)|(b` would close the anchoring group around it: ^(?:a)|(b)$ matches any value starting with a.
        if (this.groups.length === 1) return this.refuse(`has a ")" at position ${this.position + 1} that closes no "("`);
        this.position += 1;
        return this.afterAtom(this.groups.pop()!);
      case '{':
      case '*':
      case '+':
      case '?':
        // A quantifier that follows no atom; the RegExp compile already refused most of these.
        return this.refuse(`has a quantifier "${char}" with nothing before it to repeat`);
      case '|':
        this.current().alternatives = true;
        this.position += 1;
        return;
      case '}':
      case ']':
        return this.refuse(`has an unescaped "${char}" at position ${this.position + 1}; write \\${char} for the character`);
      default:
        this.position += 1;
        return this.afterAtom(null);
    }
  }

  private openGroup(): void {
    const rest = this.regex.slice(this.position);
    if (rest.startsWith('(?:')) this.position += 3;
    else if (rest.startsWith('(?=') || rest.startsWith('(?!')) return this.refuse('uses a lookahead ((?= or (?!), which is not supported');
    else if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) return this.refuse('uses a lookbehind ((?<= or (?<!), which is not supported');
    else if (rest.startsWith('(?<')) return this.refuse('uses a named group ((?<name>...)), which PostgreSQL does not support; use (...) or (?:...)');
    else if (rest.startsWith('(?')) return this.refuse('uses an inline option or group form "(?" other than (?:...), which is not supported');
    else this.position += 1;
    this.groups.push({ variable: false, alternatives: false });
  }

  /** After an atom (a character, class, escape or closed group): its quantifier, if any. */
  private afterAtom(closedGroup: Group | null): void {
    if (this.found.length > 0) return;
    const quantifier = this.quantifier();
    if (!quantifier) {
      if (closedGroup?.variable) this.current().variable = true;
      return;
    }
    if (closedGroup?.variable && quantifier.max > 1) {
      return this.refuse('repeats a group that holds a repeat itself (such as (a+)+), which can take exponential time; repeat only one level');
    }
    if (closedGroup?.alternatives && quantifier.max > 1) {
      return this.refuse('repeats a group of alternatives (such as (a|ab)*), which can take exponential time; repeat each alternative on its own, or use a class such as [ab]');
    }
    if (quantifier.max - quantifier.min > OPEN_REPEAT_SPAN && ++this.openRepeats > MAX_OPEN_REPEATS) {
      return this.refuse(`has more than ${MAX_OPEN_REPEATS} open-ended repeats (*, +, {n,} or a range wider than ${OPEN_REPEAT_SPAN}), which can take very long on a value that does not match`);
    }
    this.position += quantifier.length;
    if (this.regex[this.position] === '?') this.position += 1; // lazy: the whole-value match is the same
    if (quantifier.min !== quantifier.max || closedGroup?.variable) this.current().variable = true;
  }

  private quantifier(): Quantifier | null | undefined {
    const char = this.regex[this.position];
    if (char === '*') return { length: 1, min: 0, max: Infinity };
    if (char === '+') return { length: 1, min: 1, max: Infinity };
    if (char === '?') return { length: 1, min: 0, max: 1 };
    if (char !== '{') return null;
    const count = /^\{(\d+)(,(\d*))?\}/.exec(this.regex.slice(this.position));
    if (!count) {
      this.refuse(`has a "{" at position ${this.position + 1} that is not a repeat count {n}, {n,} or {n,m}; write \\{ for the character`);
      return undefined;
    }
    const min = Number(count[1]);
    const max = count[2] === undefined ? min : count[3] === '' ? Infinity : Number(count[3]);
    if (min > MAX_REPEAT_COUNT || (max !== Infinity && max > MAX_REPEAT_COUNT)) {
      this.refuse(`has a repeat count above ${MAX_REPEAT_COUNT} (${count[0]}), which PostgreSQL does not accept`);
      return undefined;
    }
    return { length: count[0].length, min, max };
  }

  private characterClass(): void {
    this.position += 1;
    if (this.regex[this.position] === '^') this.position += 1;
    if (this.regex[this.position] === ']') {
      return this.refuse('has a class that starts with "]" ([] or [^]), which the two engines read differently; write \\] inside the class');
    }
    while (this.position < this.regex.length && this.found.length === 0) {
      const char = this.regex[this.position];
      if (char === ']') {
        this.position += 1;
        return;
      }
      if (char === '[' && /[:=.]/.test(this.regex[this.position + 1] ?? '')) {
        return this.refuse('uses a POSIX class such as [[:digit:]], which JavaScript does not support; use \\d, \\s, \\w or a range such as [0-9]');
      }
      if (char === '\\') this.escape(true);
      else this.position += 1;
    }
  }

  private escape(inClass: boolean): void {
    const next = this.regex[this.position + 1] ?? '';
    this.position += 2;
    if (/[dsw]/.test(next) || /[ntrfv]/.test(next)) return;
    if (/[DSW]/.test(next)) {
      if (inClass) this.refuse(`uses \\${next} inside [...], which PostgreSQL does not allow; use [^...] with \\${next.toLowerCase()}`);
      return;
    }
    if (next === 'b' || next === 'B') {
      return this.refuse(`uses \\${next}, a word boundary in JavaScript but something else in PostgreSQL; match the characters around it instead`);
    }
    if (/[0-9]/.test(next)) return this.refuse(`uses \\${next}: back-references and octal escapes are not supported`);
    if (/[A-Za-z]/.test(next)) {
      return this.refuse(`uses \\${next}, which the two engines read differently (or not at all); supported escapes: \\d \\D \\s \\S \\w \\W \\n \\t \\r \\f \\v and \\ before a punctuation character`);
    }
  }

  private current(): Group {
    return this.groups[this.groups.length - 1];
  }

  private refuse(problem: string): void {
    this.found.push(problem);
  }
}
