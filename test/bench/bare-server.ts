import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import express from 'express';
import { Redis } from 'ioredis';

/**
 * The cached-read limit: the least a Node process can do to answer GET /edc/patients/:id/vitals
 * from Redis (one GET of a stored body, no framework). Run by the bench as its own process, like
 * the platform, with PORT, REDIS_URL and BARE_KEY_PREFIX (the body of subject X is at prefix + X).
 * With BARE_FRAMEWORK=express the same handler runs inside a plain Express app: what the HTTP
 * framework the platform is built on costs before any platform code runs.
 */
const port = Number(process.env.PORT);
const prefix = process.env.BARE_KEY_PREFIX;
if (!Number.isInteger(port) || !prefix || !process.env.REDIS_URL) {
  console.error('bare-server needs PORT, REDIS_URL and BARE_KEY_PREFIX');
  process.exit(1);
}

const redis = new Redis(process.env.REDIS_URL);
const VITALS_PATH = /^\/edc\/patients\/([^/?]+)\/vitals(?:\?|$)/;

function answer(request: IncomingMessage, response: ServerResponse): void {
  if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const subject = VITALS_PATH.exec(request.url ?? '')?.[1];
  if (request.method !== 'GET' || subject === undefined) {
    response.writeHead(404).end();
    return;
  }
  redis.get(prefix + decodeURIComponent(subject)).then(
    (body) => {
      if (body === null) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    },
    (error: Error) => response.writeHead(500).end(error.message),
  );
}

const server =
  process.env.BARE_FRAMEWORK === 'express' ? createServer(express().disable('x-powered-by').use(answer)) : createServer(answer);

server.listen(port);

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  redis.quit().finally(() => process.exit(0));
});
