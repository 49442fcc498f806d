import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, ServiceUnavailableException, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, type Observable, throwError, timeout, TimeoutError } from 'rxjs';
import { PlatformConfig } from '../../../config/src/index.js';

const ROUTE_DEADLINE_MS = 'platform:route-deadline-ms';

/**
 * A route whose work is bounded by its own input rather than by REQUEST_TIMEOUT_MS (a streamed
 * file import): its deadline instead. Say it in the route's documentation.
 */
export const RouteDeadline = (milliseconds: number): MethodDecorator => SetMetadata(ROUTE_DEADLINE_MS, milliseconds);

/**
 * No request waits without bound: one not answered within REQUEST_TIMEOUT_MS (or its route's own
 * `RouteDeadline`) answers 503 (the error filter adds Retry-After). Work still running is not
 * interrupted; a store that commits after its 503 is stored once when the client retries (stores
 * are idempotent).
 */
@Injectable()
export class RequestDeadlineInterceptor implements NestInterceptor {
  constructor(
    private readonly config: PlatformConfig,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const limit = this.reflector.get<number | undefined>(ROUTE_DEADLINE_MS, context.getHandler()) ?? this.config.REQUEST_TIMEOUT_MS;
    return next.handle().pipe(
      timeout(limit),
      catchError((error: unknown) =>
        throwError(() =>
          error instanceof TimeoutError
            ? new ServiceUnavailableException(`The request did not finish within ${limit} ms; try again shortly (a repeated store is stored once)`)
            : error,
        ),
      ),
    );
  }
}
