import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, ServiceUnavailableException } from '@nestjs/common';
import { catchError, type Observable, throwError, timeout, TimeoutError } from 'rxjs';
import { PlatformConfig } from '../../../config/src/index.js';

/**
 * No request waits without bound: one not answered within REQUEST_TIMEOUT_MS answers 503 (the
 * error filter adds Retry-After). Work still running is not interrupted; a store that commits
 * after its 503 is stored once when the client retries (stores are idempotent).
 */
@Injectable()
export class RequestDeadlineInterceptor implements NestInterceptor {
  constructor(private readonly config: PlatformConfig) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const limit = this.config.REQUEST_TIMEOUT_MS;
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
