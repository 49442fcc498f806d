import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { serversFromEnv, startRedisServer } from '../../../../test/support/servers.js';
import { uniqueCachePrefix } from '../../../../test/support/test-database.js';
import { waitUntil } from '../../../../test/support/wait.js';
import type { CacheBackend } from './cache-backend.js';
import { CacheService } from './cache.service.js';
import { MemoryCacheBackend } from './memory-cache.backend.js';
import { RedisCacheBackend } from './redis-cache.backend.js';

const backends: Array<[string, () => Promise<CacheBackend>]> = [
  ['Redis', async () => {
    const backend = new RedisCacheBackend({ url: serversFromEnv().redisUrl, commandTimeoutMs: 500 });
    await backend.firstConnection();
    return backend;
  }],
  ['memory', async () => new MemoryCacheBackend()],
];

describe.each(backends)('CacheService on %s', (_name, createBackend) => {
  let cache: CacheService;

  beforeEach(async () => {
    cache = new CacheService(await createBackend(), uniqueCachePrefix(), 300);
  });
  afterEach(async () => {
    await cache.deletePattern('*');
    await cache.close();
  });

  it('stores JSON values and deletes them', async () => {
    await cache.set('a', { n: 1, list: ['x'] });
    expect(await cache.get('a')).toEqual({ n: 1, list: ['x'] });
    await cache.delete('a');
    expect(await cache.get('a')).toBeUndefined();
  });

  it('expires values after their TTL', async () => {
    await cache.set('short', 1, 1);
    expect(await cache.get('short')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await cache.get('short')).toBeUndefined();
  });

  it('deletes by pattern, only the matching keys, across many keys', async () => {
    await Promise.all(Array.from({ length: 1_200 }, (_, n) => cache.set(`vitals:${n}`, n)));
    await cache.set('patients:1', 'keep');
    expect(await cache.deletePattern('vitals:*')).toBe(1_200);
    expect(await cache.get('vitals:7')).toBeUndefined();
    expect(await cache.get('patients:1')).toBe('keep');
  });

  it('reads through: loads once, then serves from the cache', async () => {
    let loads = 0;
    const load = async () => ({ loads: ++loads });
    expect(await cache.readThrough('k', load)).toEqual({ loads: 1 });
    expect(await cache.readThrough('k', load)).toEqual({ loads: 1 });
    expect(cache.stats).toEqual({ hits: 1, misses: 1 });
  });

  it('reloads after one of the entry tags is invalidated, and only then', async () => {
    let version = 1;
    const load = async () => version;
    await cache.readThrough('subject-a', load, { tags: ['a'] });
    await cache.readThrough('subject-b', load, { tags: ['b'] });
    version = 2;
    await cache.invalidateTags(['a']);
    expect(await cache.readThrough('subject-a', load, { tags: ['a'] })).toBe(2);
    expect(await cache.readThrough('subject-b', load, { tags: ['b'] })).toBe(1);
  });

  it('never serves what a reader loaded before a write committed (the stale-set race)', async () => {
    let stored = 'old';
    let releaseReader!: () => void;
    let snapshotTaken!: () => void;
    const readerPaused = new Promise<void>((resolve) => (releaseReader = resolve));
    const tookSnapshot = new Promise<void>((resolve) => (snapshotTaken = resolve));
    // The reader loads "old", then stalls before caching it; meanwhile the write commits and invalidates.
    const slowReader = cache.readThrough('race', async () => {
      const snapshot = stored;
      snapshotTaken();
      await readerPaused;
      return snapshot;
    }, { tags: ['race'] });
    await tookSnapshot;
    stored = 'new';
    await cache.invalidateTags(['race']);
    releaseReader();
    expect(await slowReader).toBe('old');
    expect(await cache.readThrough('race', async () => stored, { tags: ['race'] })).toBe('new');
  });

  it('does not cache undefined results (not found)', async () => {
    let loads = 0;
    await cache.readThrough('missing', async () => (loads++, undefined));
    await cache.readThrough('missing', async () => (loads++, undefined));
    expect(loads).toBe(2);
  });
});

describe('CacheService when Redis goes away and comes back', () => {
  it('turns reads into misses and writes into no-ops, logs the outage once, and reconnects by itself', async () => {
    const redis = await startRedisServer();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const backend = new RedisCacheBackend({ url: redis.url, commandTimeoutMs: 200 });
    await backend.firstConnection();
    const cache = new CacheService(backend, 'outage:', 300);
    let restarted: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    try {
      await cache.readThrough('subject', async () => 'before outage', { tags: ['s'] });
      await redis.stop();

      for (let n = 0; n < 20; n += 1) {
        expect(await cache.get('subject')).toBeUndefined();
        await cache.set('other', n);
      }
      // A write during the outage cannot reach Redis, so its invalidation is remembered...
      await cache.invalidateTags(['s']);
      expect(await cache.readThrough('subject', async () => 'loaded from database', { tags: ['s'] })).toBe('loaded from database');
      expect(warn.mock.calls.filter(([message]) => String(message).includes('Redis unreachable'))).toHaveLength(1);

      restarted = await startRedisServer(redis.port);
      await waitUntil(async () => (await cache.ping().then(() => true, () => false)), 10_000);
      await cache.set('after', 'back');
      expect(await cache.get('after')).toBe('back');
      // ...and the entry cached before the outage (still in a persistent Redis) is never served.
      expect(await cache.readThrough('subject', async () => 'fresh', { tags: ['s'] })).toBe('fresh');
    } finally {
      warn.mockRestore();
      await cache.close();
      await restarted?.stop();
      await redis.stop();
    }
  });
});
