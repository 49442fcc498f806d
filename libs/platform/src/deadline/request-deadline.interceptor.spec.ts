import 'reflect-metadata';
import { type ExecutionContext, ServiceUnavailableException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, NEVER, Observable } from 'rxjs';
import type { PlatformConfig } from '../../../config/src/index.js';
import { deadlineSignal, RequestDeadlineInterceptor, RouteDeadline } from './request-deadline.interceptor.js';

class Routes {
  @RouteDeadline(20)
  plain(): void {}

  @RouteDeadline(20, { abortsWork: true })
  stopsItself(): void {}
}

const contextFor = (handler: () => void, request: object) =>
  ({ getHandler: () => handler, getType: () => 'http', switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;

describe('RequestDeadlineInterceptor', () => {
  const interceptor = new RequestDeadlineInterceptor({ REQUEST_TIMEOUT_MS: 60_000 } as PlatformConfig, new Reflector());

  it("answers 503 at a route's deadline and aborts the request's deadline signal", async () => {
    const request = {};
    const answer = lastValueFrom(interceptor.intercept(contextFor(Routes.prototype.plain, request), { handle: () => NEVER }));
    await expect(answer).rejects.toBeInstanceOf(ServiceUnavailableException);
    expect(deadlineSignal(request)?.aborted).toBe(true);
  });

  it('lets a route that stops its own work answer for itself when its signal aborts', async () => {
    const request = {};
    const stopped = new Error('stopped and rolled back');
    const work = new Observable<never>((subscriber) => {
      deadlineSignal(request)?.addEventListener('abort', () => subscriber.error(stopped));
    });
    const answer = lastValueFrom(interceptor.intercept(contextFor(Routes.prototype.stopsItself, request), { handle: () => work }));
    await expect(answer).rejects.toBe(stopped);
  });
});
