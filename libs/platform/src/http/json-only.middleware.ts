import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaTypeException } from '@nestjs/common';

/** A route that reads a body of another media type itself, as a stream (a CSV import). */
interface StreamedBodyRoute {
  method: string;
  path: RegExp;
  mediaTypes: string[];
}

const streamedBodyRoutes: StreamedBodyRoute[] = [];

/**
 * Lets a route take a body of the given media types, left unread for its handler to stream
 * (`path` is tested against the request path, with or without the gateway's prefix). The handler
 * enforces its own size limit: BODY_LIMIT is for JSON.
 */
export function acceptStreamedBody(method: string, path: RegExp, mediaTypes: string[]): void {
  streamedBodyRoutes.push({ method: method.toUpperCase(), path, mediaTypes });
}

/** Whether the request is one of those a route streams itself (see `acceptStreamedBody`). */
export function isStreamedBody(request: Request): boolean {
  return streamedBodyRoutes.some((route) => route.method === request.method && route.path.test(request.path) && Boolean(request.is(route.mediaTypes)));
}

/** A request with a body must send JSON; anything else would reach validation as an empty object. */
export function jsonOnlyMiddleware(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && !request.is('application/json') && !isStreamedBody(request)) {
    next(new UnsupportedMediaTypeException('Send the request body as JSON with the header Content-Type: application/json'));
    return;
  }
  next();
}
