import { Global, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PlatformConfig } from '../../../config/src/index.js';
import { CacheHealthIndicator } from '../health/cache.health.js';
import { CacheService } from './cache.service.js';
import { createCacheBackend } from './create-cache-backend.js';

@Injectable()
class CacheLifecycle implements OnApplicationShutdown {
  constructor(private readonly cache: CacheService) {}

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}

/** The cache (Redis, or in-process without REDIS_URL/REDIS_HOST). Global: inject `CacheService`. */
@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: CacheService,
      inject: [PlatformConfig],
      useFactory: async (config: PlatformConfig) => {
        const backend = createCacheBackend(config);
        await backend.firstConnection();
        const cache = new CacheService(backend, config.CACHE_KEY_PREFIX, config.CACHE_TTL_SECONDS);
        new Logger('Cache').log(`Using ${cache.description}`);
        return cache;
      },
    },
    CacheLifecycle,
    CacheHealthIndicator,
  ],
  exports: [CacheService, CacheHealthIndicator, TerminusModule],
})
export class CacheModule {}
