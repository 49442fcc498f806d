import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/** The API docs UI and its document, as `serveOwnDocs` and `serveMergedDocs` mount them. */
const DOCS_PATH = /^\/docs(\/|-json|$)/;

/**
 * helmet's headers on every response. The docs page gets the same policy without
 * `upgrade-insecure-requests`: with it, a browser that opened `http://<host>:8000/docs` by host name
 * fetches the Swagger UI's scripts over https, which nothing serves, and shows a blank page.
 */
export function securityHeaders() {
  const api = helmet();
  const docs = helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    // Both need a secure origin; over plain HTTP browsers ignore them and only warn in the console.
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
  });
  return (request: Request, response: Response, next: NextFunction): void =>
    (DOCS_PATH.test(request.path) ? docs : api)(request, response, next);
}
