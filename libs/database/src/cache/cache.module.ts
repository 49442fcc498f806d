import { Global, Injectable, Logger, Module, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../../../config/src/index.js';
import { CacheHealthIndicator } from '../health/cache.health.js';
import type { CacheBackend } from './cache-backend.js';
import { CacheInvalidationOutbox } from './cache-invalidation-outbox.js';
import { CacheService } from './cache.service.js';
import { createCacheBackend } from './create-cache-backend.js';
import { readInstallationId } from './installation-id.js';

/** Closes the backend before passing a start-up failure on, so its connection does not keep the process alive. */
const closing =
  (backend: CacheBackend) =>
  async (error: unknown): Promise<never> => {
    await backend.close();
    throw error;
  };

@Injectable()
class CacheLifecycle implements OnModuleDestroy, OnApplicationShutdown {
  constructor(private readonly cache: CacheService) {}

  /** Before any shutdown hook, so a replay never runs into a closing database pool. */
  async onModuleDestroy(): Promise<void> {
    await this.cache.stopReplay();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}

/**
 * The cache (Redis, or in-process without REDIS_URL/REDIS_HOST). Global: inject `CacheService`.
 * In a process with the database, keys carry its installation id and invalidations go through the
 * `cache_invalidations` outbox. An in-process cache records none of its own (no other process to
 * tell, no bump to lose) but applies those SQL writes record (the EDC's bulk load).
 */
@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: CacheService,
      inject: [PlatformConfig, { token: DataSource, optional: true }],
      useFactory: async (config: PlatformConfig, dataSource?: DataSource) => {
        const backend = createCacheBackend(config);
        await backend.firstConnection();
        const cache = new CacheService(backend, config.CACHE_KEY_PREFIX, config.CACHE_TTL_SECONDS, {
          installationId: dataSource ? await readInstallationId(dataSource).catch(closing(backend)) : undefined,
          outbox: dataSource ? new CacheInvalidationOutbox(dataSource) : undefined,
        });
        await cache.start(config.CACHE_INVALIDATION_REPLAY_MS);
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
