import type { NextFunction, Request, Response } from 'express';
import { UnsupportedMediaTypeException } from '@nestjs/common';

/** A request with a body must send JSON; anything else would reach validation as an empty object. */
export function jsonOnlyMiddleware(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && !request.is('application/json')) {
    next(new UnsupportedMediaTypeException('Send the request body as JSON with the header Content-Type: application/json'));
    return;
  }
  next();
}
