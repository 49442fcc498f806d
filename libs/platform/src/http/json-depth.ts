import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestException } from '@nestjs/common';

/** No request of the platform nests deeper than a few levels; 32 leaves room and stops abuse. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/**
 * Whether a JSON text nests arrays and objects deeper than `maxDepth`, in one pass without
 * recursion. Exact for valid JSON; invalid JSON is refused by the parser anyway. UTF-8 never
 * uses ASCII bytes inside multi-byte characters, so brackets and quotes can be counted as bytes.
 */
export function jsonNestedDeeperThan(utf8: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < utf8.length; index += 1) {
    const byte = utf8[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPENERS.has(byte)) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (CLOSERS.has(byte)) {
      depth -= 1;
    }
  }
  return false;
}

const LOWER_U = 0x75;
const DIGIT_ZERO = 0x30;

/**
 * Whether a JSON text holds the NUL character in a string (written `\u0000`), which PostgreSQL
 * cannot store in text: refused up front rather than failing the write. Same single pass as above.
 */
export function jsonHasNulCharacter(utf8: Uint8Array): boolean {
  let inString = false;
  for (let index = 0; index < utf8.length; index += 1) {
    const byte = utf8[index];
    if (inString) {
      if (byte === BACKSLASH) {
        if (utf8[index + 1] === LOWER_U && [2, 3, 4, 5].every((offset) => utf8[index + offset] === DIGIT_ZERO)) return true;
        index += 1;
      } else if (byte === QUOTE) {
        inString = false;
      }
    } else if (byte === QUOTE) {
      inString = true;
    }
  }
  return false;
}

/**
 * body-parser's `verify` hook: runs on the raw body before it is parsed, so a deeply nested body
 * is refused with 400 before anything walks it recursively (validation, transformation, logging),
 * which would otherwise overflow the stack and answer 500; and a body with NUL characters before
 * a write fails on them.
 */
export function refuseDeeplyNestedJson(_request: IncomingMessage, _response: ServerResponse, body: Buffer, encoding: string): void {
  const utf8 = asUtf8(body, encoding);
  if (jsonNestedDeeperThan(utf8, MAX_JSON_DEPTH)) {
    throw new BadRequestException(`The request body is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`);
  }
  if (jsonHasNulCharacter(utf8)) {
    throw new BadRequestException('Text in the request body must not contain the NUL character (\\u0000): it cannot be stored');
  }
}

function asUtf8(body: Buffer, encoding: string): Uint8Array {
  if (/^utf-?8$/i.test(encoding)) return body;
  try {
    return Buffer.from(new TextDecoder(encoding).decode(body), 'utf8');
  } catch {
    // A charset TextDecoder lacks (UTF-32): counting its bytes can only overcount depth.
    return body;
  }
}

/**
 * The JSON body parser's options: the size limit and the depth check. Nest's option type omits
 * `verify` because it uses it for `rawBody`, which the platform never turns on.
 */
export function jsonBodyOptions(limit: string): { limit: string } {
  const options = { limit, verify: refuseDeeplyNestedJson };
  return options;
}
