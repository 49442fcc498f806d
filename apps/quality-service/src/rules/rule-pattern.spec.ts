import { compileRulePattern, patternProblems, wholeValuePattern } from './rule-pattern.js';

describe('rule patterns: only what JavaScript and PostgreSQL read alike', () => {
  it.each([
    ['[A-Z]{2}-\\d{3}'],
    ['S\\d{2}-\\d{4}'],
    ['(?:SITE|S)-[0-9]+'],
    ['[^\\s]+'],
    ['\\w+\\.\\w+'],
    ['(AB|CD)?-\\d{1,4}'],
    ['[\\-_a-z]+'],
    ['a+?b'],
    ['\\d{255}'],
    ['(?:SITE|S)?-\\d+'],
    ['[A-Z]{2,4}-\\d{3,5}(?:-[A-Z])?'],
    ['\\w+-\\w+-\\w+'],
  ])('accepts %s', (regex) => {
    expect(patternProblems(regex)).toEqual([]);
  });

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(201), 'must be at most 200 characters (it has 201)'],
    ['a\nb', 'must not contain control characters; write \\n or \\t for a newline or tab'],
    ['(', 'is not a valid regular expression: Unterminated group'],
    ['\\@', 'is not a valid regular expression: Invalid escape (escape only ^ $ \\ . * + ? ( ) [ ] { } | / and, inside [...], -)'],
    ['a{2', 'has a "{" at position 2 that is not a repeat count {n}, {n,} or {n,m}; write \\{ for the character'],
    ['a)', 'has a ")" at position 2 that closes no "("'],
    ['a)|(b', 'has a ")" at position 2 that closes no "("'],
    ['.*)|(?:', 'has a ")" at position 3 that closes no "("'],
    ['(?<=S)\\d', 'uses a lookbehind ((?<= or (?<!), which is not supported'],
    ['(?<!S)\\d', 'uses a lookbehind ((?<= or (?<!), which is not supported'],
    ['(?=S)\\w+', 'uses a lookahead ((?= or (?!), which is not supported'],
    ['(?<site>S\\d)-\\d+', 'uses a named group ((?<name>...)), which PostgreSQL does not support; use (...) or (?:...)'],
    ['\\bS\\d', 'uses \\b, a word boundary in JavaScript but something else in PostgreSQL; match the characters around it instead'],
    ['(S)\\1', 'uses \\1: back-references and octal escapes are not supported'],
    ['\\x41', expect.stringMatching(/^uses \\x, which the two engines read differently/)],
    ['\\p{L}+', expect.stringMatching(/^uses \\p, which the two engines read differently/)],
    ['[[:digit:]]+', 'uses a POSIX class such as [[:digit:]], which JavaScript does not support; use \\d, \\s, \\w or a range such as [0-9]'],
    ['[\\D]', 'uses \\D inside [...], which PostgreSQL does not allow; use [^...] with \\d'],
    ['a{256}', 'has a repeat count above 255 ({256}), which PostgreSQL does not accept'],
    ['(a+)+$', 'repeats a group that holds a repeat itself (such as (a+)+), which can take exponential time; repeat only one level'],
    ['((ab)*c)*', 'repeats a group that holds a repeat itself (such as (a+)+), which can take exponential time; repeat only one level'],
    ['(a|b?){2,}', 'repeats a group that holds a repeat itself (such as (a+)+), which can take exponential time; repeat only one level'],
    ['(\\w|\\w\\w)*!', 'repeats a group of alternatives (such as (a|ab)*), which can take exponential time; repeat each alternative on its own, or use a class such as [ab]'],
    ['(?:a|b){2,5}', 'repeats a group of alternatives (such as (a|ab)*), which can take exponential time; repeat each alternative on its own, or use a class such as [ab]'],
    ['\\w*\\w*\\w*\\w*!', 'has more than 3 open-ended repeats (*, +, {n,} or a range wider than 10), which can take very long on a value that does not match'],
    ['\\d+-\\d+-\\d+-\\d{1,20}', 'has more than 3 open-ended repeats (*, +, {n,} or a range wider than 10), which can take very long on a value that does not match'],
  ])('refuses %j: %s', (regex, problem) => {
    expect(patternProblems(regex)).toEqual([problem]);
  });

  it('keeps every accepted worst case fast in JavaScript on a 64-character value that fails', () => {
    for (const regex of ['\\w*\\w*\\w*!', '(\\w+)?\\w+\\w+!', '(?:a|b)?\\w*\\w*\\w*!']) {
      expect(patternProblems(regex)).toEqual([]);
      const started = process.hrtime.bigint();
      compileRulePattern(regex).test('a'.repeat(64));
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(200);
    }
  });

  it('matches the whole value, a newline included in "." as in PostgreSQL', () => {
    expect(wholeValuePattern('S-\\d+')).toBe('^(?:S-\\d+)$');
    const pattern = compileRulePattern('S-\\d+|X');
    expect(pattern.test('S-12')).toBe(true);
    expect(pattern.test('S-12x')).toBe(false);
    expect(pattern.test('aX')).toBe(false);
    expect(compileRulePattern('a.b').test('a\nb')).toBe(true);
    expect(compileRulePattern('.').test('😀')).toBe(true);
  });
});
