import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bearerTokenOf, type TokenService } from '../../../../libs/auth/src/index.js';
import type { PlatformConfig } from '../../../../libs/config/src/index.js';
import type { CacheService } from '../../../../libs/database/src/index.js';
import { type ApiErrorBody, requestIdOf } from '../../../../libs/platform/src/index.js';
import { SERVICES } from '../services.js';

const WINDOW_SECONDS = 60;

/** The health routes exactly: the gateway's own and each service's; nothing else that ends in /health. */
const HEALTH_PATHS = new Set(['/health', ...SERVICES.map((service) => `/${service.prefix}/health`)]);

/**
 * Requests per minute per client address and per signed-in user, counted in Redis so every
 * gateway instance shares the count (in-process while Redis is down). Health checks are exempt:
 * orchestrators poll them.
 */
export function rateLimitMiddleware(cache: CacheService, tokens: TokenService, config: PlatformConfig): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    if (HEALTH_PATHS.has(request.path)) return next();
    void check(request)
      .then((retryAfter) => (retryAfter === undefined ? next() : refuse(request, response, retryAfter)))
      .catch(next);
  };

  async function check(request: Request): Promise<number | undefined> {
    const limits: Array<[string, number]> = [];
    if (config.RATE_LIMIT_PER_CLIENT_PER_MINUTE > 0) limits.push([`rate:client:${request.ip}`, config.RATE_LIMIT_PER_CLIENT_PER_MINUTE]);
    const user = userOf(request, tokens);
    if (user && config.RATE_LIMIT_PER_USER_PER_MINUTE > 0) limits.push([`rate:user:${user}`, config.RATE_LIMIT_PER_USER_PER_MINUTE]);
    const counts = await Promise.all(limits.map(([key]) => cache.hitWindow(key, WINDOW_SECONDS)));
    const exceeded = counts.filter((count, index) => count.count > limits[index][1]);
    return exceeded.length ? Math.max(...exceeded.map((count) => count.secondsLeft)) : undefined;
  }
}

/** The user a valid token names; the services' guard still does the full check (revocation, roles). */
function userOf(request: Request, tokens: TokenService): string | undefined {
  const token = bearerTokenOf(request.headers.authorization);
  if (!token) return undefined;
  try {
    return tokens.verifyAccess(token).sub;
  } catch {
    return undefined;
  }
}

function refuse(request: Request, response: Response, retryAfterSeconds: number): void {
  const body: ApiErrorBody = {
    statusCode: 429,
    error: 'Too Many Requests',
    message: `Rate limit exceeded; retry after ${retryAfterSeconds} s`,
    requestId: requestIdOf(request),
    path: request.originalUrl,
    timestamp: new Date().toISOString(),
  };
  response.setHeader('Retry-After', String(retryAfterSeconds));
  response.status(429).json(body);
}
