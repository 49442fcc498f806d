import { Controller, Get, HttpException, Res, type Type } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../../../auth/src/index.js';
import { CacheHealthIndicator, DatabaseHealthIndicator } from '../../../database/src/index.js';
import { ApiHealthCheck } from '../docs/responses.js';
import { type ServiceHealth, withServiceFields } from './health-response.js';

/**
 * Runs Terminus checks and answers with its standard body plus `service` and `timestamp`,
 * keeping that body on 503 too (the platform's error format would otherwise replace it).
 */
export async function runHealthCheck(
  health: HealthCheckService,
  service: string,
  checks: HealthIndicatorFunction[],
  response: Response,
): Promise<ServiceHealth> {
  try {
    return withServiceFields(service, await health.check(checks));
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    response.status(error.getStatus());
    return withServiceFields(service, error.getResponse() as HealthCheckResult);
  }
}

/**
 * `GET /health` for one service: database (503 when down) and cache (degraded, still 200, when
 * down). A class per service, because in all-in-one mode each is served under its own prefix.
 */
export function serviceHealthController(service: string): Type {
  @Public()
  @Controller()
  class ServiceHealthController {
    constructor(
      private readonly health: HealthCheckService,
      private readonly database: DatabaseHealthIndicator,
      private readonly cache: CacheHealthIndicator,
    ) {}

    @Get('health')
    @ApiHealthCheck(service)
    check(@Res({ passthrough: true }) response: Response): Promise<ServiceHealth> {
      return runHealthCheck(this.health, service, [() => this.database.check(), () => this.cache.check()], response);
    }
  }
  Object.defineProperty(ServiceHealthController, 'name', { value: `HealthController(${service})` });
  return ServiceHealthController;
}
