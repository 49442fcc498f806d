import { PayloadTooLargeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isStreamedBody } from './json-only.middleware.js';

/** `512kb` / `5mb` (the forms BODY_LIMIT accepts) in bytes. */
export function parseBodyLimit(limit: string): number {
  const match = /^(\d+)(kb|mb)$/i.exec(limit);
  if (!match) throw new Error(`not a body size: ${limit}`);
  return Number(match[1]) * (match[2].toLowerCase() === 'mb' ? 1024 * 1024 : 1024);
}

/**
 * For a process that streams bodies on unread (the split gateway): refuses a declared body over
 * the limit before it is forwarded. Chunked bodies are left to the service, which parses them, and
 * so are bodies a service route streams itself (`acceptStreamedBody`), which have limits of their own.
 */
export function declaredBodySizeLimit(limit: string) {
  const maxBytes = parseBodyLimit(limit);
  return (request: Request, _response: Response, next: NextFunction): void => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes && !isStreamedBody(request)) {
      next(new PayloadTooLargeException(`The request body is larger than the allowed limit (${maxBytes} bytes); split the records over several requests`));
      return;
    }
    next();
  };
}
