import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * Pages people open in a browser by host name over plain HTTP: the API docs UI and its document,
 * as `serveOwnDocs` and `serveMergedDocs` mount them, and the study report (its HTML page sets its
 * own stricter policy; a split-mode analytics service sees it without the prefix the gateway removed).
 */
const BROWSER_PAGE_PATH = /^\/docs(\/|-json|$)|^(\/analytics)?\/csr\//;

/**
 * helmet's headers on every response. The browser pages (docs, study report) get the same policy without
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
    (BROWSER_PAGE_PATH.test(request.path) ? docs : api)(request, response, next);
}
