import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, ServiceUnavailableException, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, finalize, type Observable, throwError, timeout, TimeoutError } from 'rxjs';
import { PlatformConfig } from '../../../config/src/index.js';

/** The metadata a route's own deadline is read from, per request (a test may set a shorter one). */
export const ROUTE_DEADLINE_MS = 'platform:route-deadline-ms';
const ROUTE_DEADLINE_ABORTS = 'platform:route-deadline-aborts';

/**
 * How long past its deadline a route that stops its own work (`abortsWork`) may take to answer
 * before the interceptor answers 503 for it: time to roll a transaction back.
 */
export const ABORT_GRACE_MS = 30_000;

export interface RouteDeadlineOptions {
  /**
   * The handler stops its work when `deadlineSignal(request)` aborts and answers 503 itself, after
   * undoing what it did: its 503 then means nothing was stored.
   */
  abortsWork?: boolean;
}

/**
 * A route whose work is bounded by its own input rather than by REQUEST_TIMEOUT_MS (a streamed
 * file import): its deadline instead. Say it in the route's documentation.
 */
export const RouteDeadline = (milliseconds: number, options: RouteDeadlineOptions = {}): MethodDecorator =>
  applyDecorators(SetMetadata(ROUTE_DEADLINE_MS, milliseconds), SetMetadata(ROUTE_DEADLINE_ABORTS, options.abortsWork ?? false));

const signals = new WeakMap<object, AbortSignal>();

/**
 * Aborts when the request's deadline passes (its reason: the 503 to answer). Undefined outside a
 * request the interceptor runs for.
 */
export function deadlineSignal(request: object): AbortSignal | undefined {
  return signals.get(request);
}

/**
 * No request waits without bound: one not answered within REQUEST_TIMEOUT_MS (or its route's own
 * `RouteDeadline`) answers 503 (the error filter adds Retry-After). Work of an ordinary route still
 * running is not interrupted; a store that commits after its 503 is stored once when the client
 * retries (stores are idempotent). A route that `abortsWork` is told through `deadlineSignal` and
 * answers itself, so its 503 always means its work was undone.
 */
@Injectable()
export class RequestDeadlineInterceptor implements NestInterceptor {
  constructor(
    private readonly config: PlatformConfig,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const limit = this.reflector.get<number | undefined>(ROUTE_DEADLINE_MS, context.getHandler()) ?? this.config.REQUEST_TIMEOUT_MS;
    const abortsWork = this.reflector.get<boolean | undefined>(ROUTE_DEADLINE_ABORTS, context.getHandler()) ?? false;
    const tooLate = () => new ServiceUnavailableException(`The request did not finish within ${limit} ms; try again shortly (a repeated store is stored once)`);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(tooLate()), limit);
    timer.unref();
    if (context.getType() === 'http') signals.set(context.switchToHttp().getRequest<Request>(), deadline.signal);
    return next.handle().pipe(
      timeout(abortsWork ? limit + ABORT_GRACE_MS : limit),
      catchError((error: unknown) => throwError(() => (error instanceof TimeoutError ? tooLate() : error))),
      finalize(() => clearTimeout(timer)),
    );
  }
}
