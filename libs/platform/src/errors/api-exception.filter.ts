import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ApiErrorBody, ApiErrorDetail } from './api-error.js';
import { requestIdOf } from '../../../request-context/src/index.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './database-unavailable.js';
import { databaseRefusalOf } from './database-refusal.js';

/** Errors raised by body-parser before Nest sees the request carry these fields. */
interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

const BODY_PARSER_MESSAGES: Record<string, [number, string]> = {
  'entity.parse.failed': [400, 'The request body is not valid JSON'],
  'entity.too.large': [413, 'The request body is larger than the allowed limit'],
  'encoding.unsupported': [415, 'Unsupported content encoding'],
  'charset.unsupported': [415, 'Unsupported charset; send UTF-8 JSON'],
  'request.aborted': [400, 'The request was aborted before its body was received'],
};

/** Turns every error into the one `ApiErrorBody` format, and logs server faults (never request bodies). */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (response.headersSent) return;
    const path = publicPathOf(request);
    const { statusCode, message, details } = this.describe(exception, request, path);
    if (statusCode >= 500) {
      this.logger.error(
        `${request.method} ${routeOf(request)} failed (request ${requestIdOf(request) ?? '-'}): ${(exception as Error)?.stack ?? String(exception)}`,
      );
    }
    const body: ApiErrorBody = {
      statusCode,
      error: HttpStatus[statusCode]?.replace(/_/g, ' ').toLowerCase().replace(/^\w|\s\w/g, (c) => c.toUpperCase()) ?? 'Error',
      message,
      ...(details ? { details } : {}),
      requestId: requestIdOf(request),
      path,
      timestamp: new Date().toISOString(),
    };
    // Say when to come back: what the exception knows (a sign-in lock), else for any 503, which is
    // temporary by definition; unless the thrower already set it.
    const retryAfter = retryAfterOf(exception) ?? (statusCode === 503 ? DATABASE_RETRY_AFTER_SECONDS : undefined);
    if (retryAfter !== undefined && !response.getHeader('retry-after')) response.setHeader('Retry-After', String(retryAfter));
    // A route may have declared its success answer's type (Markdown, FHIR, a CSV download): an error is JSON, shown, not saved.
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.removeHeader('content-disposition');
    response.status(statusCode).json(body);
  }

  private describe(exception: unknown, request: Request, path: string): { statusCode: number; message: string; details?: ApiErrorDetail[] } {
    const parserFailure = describeBodyParserError(exception);
    if (parserFailure) return parserFailure;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      if (typeof payload === 'string') return { statusCode: status, message: payload };
      // Nest's answer for an unknown route names the URL it saw; behind the split gateway that lacks the prefix.
      if (exception instanceof NotFoundException && exception.message === `Cannot ${request.method} ${request.originalUrl}`) {
        return { statusCode: status, message: `Cannot ${request.method} ${path}` };
      }
      const { message, details } = payload as { message?: string | string[]; details?: ApiErrorDetail[] };
      return {
        statusCode: status,
        message: Array.isArray(message) ? message.join('; ') : (message ?? exception.message),
        details,
      };
    }
    const refusal = databaseRefusalOf(exception);
    if (refusal) return refusal;
    if (isDatabaseUnavailable(exception)) {
      return { statusCode: 503, message: 'The database is unavailable or not answering; nothing was stored. Try again shortly.' };
    }
    return { statusCode: 500, message: 'Internal server error' };
  }
}

/** Exceptions that know when the client may try again carry `retryAfterSeconds`. */
function retryAfterOf(exception: unknown): number | undefined {
  const seconds = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : undefined;
}

/** body-parser's errors reach us raw, or wrapped by Nest's Express adapter as an HttpException's cause. */
function describeBodyParserError(exception: unknown): { statusCode: number; message: string } | undefined {
  const candidate = (exception instanceof HttpException ? exception.cause : exception) as BodyParserError | undefined;
  const known = candidate?.type ? BODY_PARSER_MESSAGES[candidate.type] : undefined;
  if (!known) return undefined;
  const [statusCode, text] = known;
  if (candidate?.type === 'entity.too.large' && candidate.limit) {
    return { statusCode, message: `${text} (${candidate.limit} bytes); split the records over several requests` };
  }
  if (candidate?.type === 'entity.parse.failed') {
    return { statusCode, message: `${text}: ${(candidate as Error).message}` };
  }
  return { statusCode, message: text };
}

/** The route template (`/patients/:subjectId`), not the URL: URLs can carry subject identifiers. */
export function routeOf(request: Request): string {
  const route = (request as Request & { route?: { path?: string } }).route?.path;
  return route ? `${request.baseUrl ?? ''}${route}` : '(unmatched route)';
}

/** Set by the split-mode gateway to the prefix it removed (`/edc`), so a service names the path the client called. */
export const FORWARDED_PREFIX_HEADER = 'x-forwarded-prefix';
const SERVICE_PREFIX = /^\/[a-z][a-z0-9-]{0,31}$/;

/** The path as the client sent it to the platform, the same in all-in-one and split mode. */
export function publicPathOf(request: Request): string {
  const prefix = request.header(FORWARDED_PREFIX_HEADER);
  const path = request.originalUrl ?? request.url;
  return prefix && SERVICE_PREFIX.test(prefix) ? `${prefix}${path}` : path;
}
