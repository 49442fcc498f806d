import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { CacheService } from '../cache/cache.service.js';

@Injectable()
export class CacheHealthIndicator {
  constructor(
    private readonly cache: CacheService,
    private readonly health: HealthIndicatorService,
  ) {}

  /**
   * PING the cache. The platform works without it, so an unreachable cache is reported as
   * `degraded` (HTTP 200, `connected: false`) rather than `down` (503).
   */
  async check() {
    const session = this.health.check('cache');
    try {
      await this.cache.ping();
      return session.up({ backend: this.cache.kind, connected: true });
    } catch (error) {
      return session.degraded({
        backend: this.cache.kind,
        connected: false,
        message: `cache unreachable (${(error as Error).message}); serving without cache`,
      });
    }
  }
}
