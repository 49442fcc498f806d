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

/** What a JSON text's strings hold that PostgreSQL cannot store as text or JSON. */
export type UnstorableText = 'nul' | 'lone-surrogate';

/** The code unit of a `\uXXXX` escape whose backslash is at `index`, or null if malformed. */
function escapedCodeUnit(utf8: Uint8Array, index: number): number | null {
  if (utf8[index + 1] !== LOWER_U) return null;
  const hex = String.fromCharCode(...utf8.subarray(index + 2, index + 6));
  return /^[0-9a-fA-F]{4}$/.test(hex) ? Number.parseInt(hex, 16) : null;
}

const isHighSurrogate = (unit: number | null): boolean => unit !== null && unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number | null): boolean => unit !== null && unit >= 0xdc00 && unit <= 0xdfff;

/**
 * Whether a JSON text's strings hold the NUL character (written `\u0000`), which PostgreSQL
 * cannot store in text, or half of a UTF-16 surrogate pair (`\ud800` alone), which is no
 * character at all and which PostgreSQL refuses in JSON: refused up front rather than failing the
 * write. (Raw UTF-8 cannot encode either; only escapes can.) Same single pass as above.
 */
export function jsonUnstorableText(utf8: Uint8Array): UnstorableText | null {
  let inString = false;
  for (let index = 0; index < utf8.length; index += 1) {
    const byte = utf8[index];
    if (inString) {
      if (byte === BACKSLASH) {
        const unit = escapedCodeUnit(utf8, index);
        if (unit === 0) return 'nul';
        if (isHighSurrogate(unit)) {
          if (utf8[index + 6] !== BACKSLASH || !isLowSurrogate(escapedCodeUnit(utf8, index + 6))) return 'lone-surrogate';
          index += 11;
        } else if (isLowSurrogate(unit)) {
          return 'lone-surrogate';
        } else {
          index += 1;
        }
      } else if (byte === QUOTE) {
        inString = false;
      }
    } else if (byte === QUOTE) {
      inString = true;
    }
  }
  return null;
}

export function jsonHasNulCharacter(utf8: Uint8Array): boolean {
  return jsonUnstorableText(utf8) === 'nul';
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
  const unstorable = jsonUnstorableText(utf8);
  if (unstorable === 'nul') {
    throw new BadRequestException('Text in the request body must not contain the NUL character (\\u0000): it cannot be stored');
  }
  if (unstorable === 'lone-surrogate') {
    throw new BadRequestException('Text in the request body holds half of a UTF-16 surrogate pair (an escape such as \\ud800 without its partner): it is no character and cannot be stored');
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
