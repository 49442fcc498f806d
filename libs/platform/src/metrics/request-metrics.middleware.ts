import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { routeOf } from '../errors/api-exception.filter.js';
import type { MetricsService } from './metrics.service.js';

/** Times every request; labels use the route template (never the URL, which can name a subject). */
export function requestMetricsMiddleware(metrics: MetricsService): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      metrics.observe(request.method, routeLabel(request), response.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/** The route template; a request a proxy answered is labelled by its prefix (`/edc/*`). */
export function routeLabel(request: Request): string {
  const route = routeOf(request);
  return route === '(unmatched route)' && request.baseUrl ? `${request.baseUrl}/*` : route;
}
