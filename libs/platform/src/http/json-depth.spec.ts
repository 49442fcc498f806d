import { BadRequestException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonHasNulCharacter, jsonNestedDeeperThan, jsonUnstorableText, MAX_JSON_DEPTH, refuseDeeplyNestedJson } from './json-depth.js';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deeper = (text: string, limit = MAX_JSON_DEPTH) => jsonNestedDeeperThan(Buffer.from(text, 'utf8'), limit);

describe('JSON nesting depth', () => {
  it('accepts the limit and refuses one level more, counting arrays and objects alike', () => {
    expect(deeper(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(deeper(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    const objects = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
    expect(deeper(objects(MAX_JSON_DEPTH))).toBe(false);
    expect(deeper(objects(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('refuses 100,000 nested arrays without recursing', () => {
    expect(deeper(nested(100_000))).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ records: [{ VisitName: `${'['.repeat(100)} "quoted" \\ ${'{'.repeat(100)}` }] });
    expect(deeper(text, 3)).toBe(false);
    expect(deeper(text, 2)).toBe(true);
  });

  it('measures depth, not the number of brackets', () => {
    expect(deeper(JSON.stringify({ records: Array.from({ length: 1_000 }, () => ({ values: [1, [2]] })) }), 5)).toBe(false);
  });

  it('checks UTF-16 bodies after decoding them', () => {
    const body = Buffer.from(nested(MAX_JSON_DEPTH + 1), 'utf16le');
    expect(() => refuseDeeplyNestedJson({} as IncomingMessage, {} as ServerResponse, body, 'utf-16le')).toThrow(BadRequestException);
    const fine = Buffer.from('{"username":"ś[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', 'utf16le');
    expect(() => refuseDeeplyNestedJson({} as IncomingMessage, {} as ServerResponse, fine, 'utf-16le')).not.toThrow();
  });
});

describe('JSON NUL characters', () => {
  const utf8 = (text: string) => Buffer.from(text, 'utf8');

  it('finds \\u0000 written in a string, anywhere in the body', () => {
    expect(jsonHasNulCharacter(utf8('{"reason":"a\\u0000b"}'))).toBe(true);
    expect(jsonHasNulCharacter(utf8('{"records":[{"VisitName":"\\u0000"}]}'))).toBe(true);
  });

  it('leaves other escapes alone: an escaped backslash before "u0000", \\u00000 digits that are not NUL, other characters', () => {
    expect(jsonHasNulCharacter(utf8('{"path":"C:\\\\u0000"}'))).toBe(false);
    expect(jsonHasNulCharacter(utf8('{"a":"\\u0001","b":"\\u00e9","c":"u0000"}'))).toBe(false);
  });

  it('finds half of a surrogate pair written as an escape, and leaves whole pairs alone', () => {
    expect(jsonUnstorableText(utf8('{"title":"\\ud800"}'))).toBe('lone-surrogate');
    expect(jsonUnstorableText(utf8('{"title":"a\\ud800b"}'))).toBe('lone-surrogate');
    expect(jsonUnstorableText(utf8('{"title":"\\udc00"}'))).toBe('lone-surrogate');
    expect(jsonUnstorableText(utf8('{"title":"\\ud800\\u0041"}'))).toBe('lone-surrogate');
    expect(jsonUnstorableText(utf8('{"title":"\\ud83d\\ude00 and \\uD83D\\uDE00"}'))).toBeNull();
    expect(jsonUnstorableText(utf8('{"title":"\u{1F600} as UTF-8","path":"C:\\\\ud800"}'))).toBeNull();
  });

  it('refuses such a body with 400 before it is parsed', () => {
    expect(() => refuseDeeplyNestedJson({} as IncomingMessage, {} as ServerResponse, utf8('{"term":"x\\u0000"}'), 'utf-8')).toThrow(/NUL character/);
  });
});
