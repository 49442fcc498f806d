import type { PlatformConfig } from '../../../config/src/index.js';
import type { CacheBackend } from './cache-backend.js';
import { MemoryCacheBackend } from './memory-cache.backend.js';
import { RedisCacheBackend } from './redis-cache.backend.js';

/** REDIS_URL wins; else REDIS_HOST (+ REDIS_PORT); else the in-process cache. */
export function createCacheBackend(config: PlatformConfig): CacheBackend {
  const url = config.REDIS_URL ?? (config.REDIS_HOST ? `redis://${config.REDIS_HOST}:${config.REDIS_PORT}` : undefined);
  if (!url) return new MemoryCacheBackend();
  return new RedisCacheBackend({ url, commandTimeoutMs: config.CACHE_COMMAND_TIMEOUT_MS });
}
