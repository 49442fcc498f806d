import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import { Logger as NestPinoLogger, PinoLogger, type Params } from 'nestjs-pino';
import { type DestinationStream, type Level, type Logger as Pino, type LoggerOptions, pino } from 'pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import type { PlatformConfig } from '../../../config/src/index.js';
import { requestIdOf } from '../../../request-context/src/index.js';
import { routeLabel } from '../metrics/request-metrics.middleware.js';

const PINO_LEVELS: Record<PlatformConfig['LOG_LEVEL'], Level> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Nest's start-up detail (one line per module and per route): it buries what an operator must read, such as the first admin's password. */
const START_UP_DETAIL = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * The process's root logger: one JSON object per line; human-readable (pino-pretty) only in
 * development on a terminal, so files and log shippers never receive colour codes.
 */
export async function createRootLogger(config: Pick<PlatformConfig, 'LOG_LEVEL' | 'NODE_ENV'>, service: string): Promise<Pino> {
  const options: LoggerOptions = {
    level: PINO_LEVELS[config.LOG_LEVEL],
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  const pretty = config.NODE_ENV === 'development' && process.stdout.isTTY ? await prettyStream() : undefined;
  return pretty ? pino(options, pretty) : pino(options);
}

/** pino-pretty is a development dependency; an install without it logs JSON. */
async function prettyStream(): Promise<DestinationStream | undefined> {
  try {
    const { default: pretty } = await import('pino-pretty');
    // In the main thread and synchronous, so a line written just before an exit is not lost.
    return pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  } catch {
    return undefined;
  }
}

/** The logger Nest and every `new Logger(context)` write through; start-up detail only at debug level. */
@Injectable()
export class PlatformLogger extends NestPinoLogger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    if (START_UP_DETAIL.has(optionalParams.at(-1) as string)) super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}

/** nestjs-pino's settings: the request logger is our own `requestLogger`, mounted before any proxy. */
export function loggerParams(root: Pino): Params {
  return { pinoHttp: { logger: root }, useExisting: true };
}

export function platformLogger(root: Pino): PlatformLogger {
  const params = loggerParams(root);
  return new PlatformLogger(new PinoLogger(params), params);
}

type LoggedRequest = IncomingMessage & Request & { user?: { id?: string } };

/**
 * One line per request when it ends: request id, method, route template, status, duration and the
 * signed-in user's id. Never the URL, query, headers or body: they can carry subject identifiers
 * and tokens.
 */
export function requestLogger(root: Pino): HttpLogger<LoggedRequest, ServerResponse> {
  const summary = (request: LoggedRequest, response: ServerResponse, durationMs: number) => ({
    method: request.method,
    route: routeLabel(request),
    status: response.statusCode,
    durationMs,
    userId: request.user?.id ?? null,
  });
  return pinoHttp<LoggedRequest, ServerResponse>({
    logger: root,
    genReqId: (request) => requestIdOf(request) ?? '-',
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (request, response, value: { responseTime: number }) => summary(request, response, value.responseTime),
    customErrorObject: (request, response, _error, value: { responseTime: number }) => summary(request, response, value.responseTime),
    customSuccessMessage: (request, response) => `${request.method} ${routeLabel(request)} ${response.statusCode}`,
    customErrorMessage: (request, response) => `${request.method} ${routeLabel(request)} ${response.statusCode}`,
  });
}
