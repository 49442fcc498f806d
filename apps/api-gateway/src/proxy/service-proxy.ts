import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import type { Socket } from 'node:net';
import { type ApiErrorBody, FORWARDED_PREFIX_HEADER, REQUEST_ID_HEADER } from '../../../../libs/platform/src/index.js';

const logger = new Logger('Gateway');
/** Requests whose service did not answer in time; anything else that fails is "unreachable". */
const timedOut = new WeakSet<IncomingMessage>();

/**
 * Forwards `/<prefix>/...` to a service, unchanged but for the path prefix. A service that
 * refuses or drops the connection answers 502; one slower than `timeoutMs` answers 504.
 */
export function serviceProxy(service: { name: string; prefix: string }, target: string, timeoutMs: number): RequestHandler {
  return createProxyMiddleware<IncomingMessage, ServerResponse>({
    target,
    changeOrigin: true,
    xfwd: true,
    on: {
      proxyReq: (proxyRequest, request) => {
        // Replaces whatever the client sent: only the gateway says which prefix it removed.
        proxyRequest.setHeader(FORWARDED_PREFIX_HEADER, `/${service.prefix}`);
        proxyRequest.setTimeout(timeoutMs, () => {
          timedOut.add(request);
          proxyRequest.destroy();
        });
      },
      error: (error, request, response) => replyWithError(service, error as NodeJS.ErrnoException, request, response, timeoutMs),
    },
  });
}

function replyWithError(
  service: { name: string; prefix: string },
  error: NodeJS.ErrnoException,
  request: IncomingMessage,
  response: ServerResponse | Socket,
  timeoutMs: number,
): void {
  if (!('writeHead' in response) || response.headersSent) {
    response.destroy();
    return;
  }
  const slow = timedOut.has(request) || error.code === 'ETIMEDOUT';
  const statusCode = slow ? 504 : 502;
  logger.warn(`${service.name} ${slow ? 'timed out' : `unreachable (${error.code ?? error.message})`}`);
  const body: ApiErrorBody = {
    statusCode,
    error: slow ? 'Gateway Timeout' : 'Bad Gateway',
    message: slow
      ? `${service.name} did not answer within ${timeoutMs} ms; the request may or may not have been applied, retry it (store-vitals retries are safe)`
      : `${service.name} is unreachable; try again shortly`,
    requestId: request.headers[REQUEST_ID_HEADER] as string | undefined,
    path: `/${service.prefix}${request.url ?? ''}`,
    timestamp: new Date().toISOString(),
  };
  // Both are temporary: say when to come back, as every 503 of the platform does.
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
  response.end(JSON.stringify(body));
}
