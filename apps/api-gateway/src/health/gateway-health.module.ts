import { Controller, Get, Module, Res } from '@nestjs/common';
import { HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { CacheHealthIndicator } from '../../../../libs/database/src/index.js';
import { ApiHealthCheck, runHealthCheck, type ServiceHealth } from '../../../../libs/platform/src/index.js';
import { SERVICES } from '../services.js';
import { DownstreamHealthIndicator } from './downstream-health.indicator.js';

/** Split mode: the gateway's cache plus every service's own health (each reports its database). */
@Public()
@Controller()
class SplitGatewayHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly cache: CacheHealthIndicator,
    private readonly downstream: DownstreamHealthIndicator,
    private readonly config: PlatformConfig,
  ) {}

  @Get('health')
  @ApiHealthCheck('api-gateway')
  check(@Res({ passthrough: true }) response: Response): Promise<ServiceHealth> {
    return runHealthCheck(
      this.health,
      'api-gateway',
      [
        () => this.cache.check(),
        ...SERVICES.map((service) => () => this.downstream.check(service.name, this.config[service.urlVariable])),
      ],
      response,
    );
  }
}

// Documented as all-in-one mode documents the gateway's health (`serviceHealthController('api-gateway')`).
Object.defineProperty(SplitGatewayHealthController, 'name', { value: 'HealthController(api-gateway)' });

@Module({
  controllers: [SplitGatewayHealthController],
  providers: [DownstreamHealthIndicator],
})
export class SplitGatewayHealthModule {}
