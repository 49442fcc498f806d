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
    ['a)', 'is not a valid regular expression: Unmatched \')\''],
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
  ])('refuses %j: %s', (regex, problem) => {
    expect(patternProblems(regex)).toEqual([problem]);
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
