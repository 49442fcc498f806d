import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { serversFromEnv, startRedisServer } from '../../../../test/support/servers.js';
import { uniqueCachePrefix } from '../../../../test/support/test-database.js';
import { waitUntil } from '../../../../test/support/wait.js';
import { startFreezableProxy } from '../../../../test/support/freezable-proxy.js';
import { loadPlatformConfig } from '../../../config/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { DatabaseConnection } from '../connection/database-connection.js';
import type { CacheBackend } from './cache-backend.js';
import { CacheInvalidationOutbox } from './cache-invalidation-outbox.js';
import { CacheService } from './cache.service.js';
import { readInstallationId } from './installation-id.js';
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

  it('invalidates every tag of a large import, more than one round trip holds (2,500 tags)', async () => {
    const tags = Array.from({ length: 2_500 }, (_, n) => `bulk-${n}`);
    let version = 1;
    const load = async () => version;
    for (const tag of [tags[0], tags[999], tags[1_000], tags[2_499]]) await cache.readThrough(`entry-${tag}`, load, { tags: [tag] });
    version = 2;
    await cache.invalidateTags(tags);
    for (const tag of [tags[0], tags[999], tags[1_000], tags[2_499]]) {
      expect({ tag, value: await cache.readThrough(`entry-${tag}`, load, { tags: [tag] }) }).toEqual({ tag, value: 2 });
    }
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

describe('CacheService window counts when Redis stops answering in time', () => {
  it('keeps counting from where it was, never from zero (a burst of guesses cannot outrun a sign-in limit)', async () => {
    const redisPort = Number(new URL(serversFromEnv().redisUrl).port || 6379);
    const proxy = await startFreezableProxy(new URL(serversFromEnv().redisUrl).hostname, redisPort);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const backend = new RedisCacheBackend({ url: `redis://127.0.0.1:${proxy.port}`, commandTimeoutMs: 200 });
    const prefix = uniqueCachePrefix();
    try {
      await backend.firstConnection();
      const cache = new CacheService(backend, prefix, 300);
      for (let n = 1; n <= 3; n += 1) expect((await cache.hitWindow('login:someone', 900)).count).toBe(n);
      proxy.freeze();
      expect((await cache.hitWindow('login:someone', 900)).count).toBe(4);
      expect((await cache.peekWindow('login:someone')).count).toBe(4);
      await cache.unhitWindow('login:someone');
      expect((await cache.hitWindow('login:someone', 900)).count).toBe(4);
    } finally {
      proxy.thaw();
      warn.mockRestore();
      await backend.deletePattern(`${prefix}*`).catch(() => undefined);
      await backend.close();
      await proxy.close();
    }
  });
});

describe('CacheService window counts in several processes', () => {
  it('follow a reset made by another process (an unlock)', async () => {
    const backends = [0, 1].map(() => new RedisCacheBackend({ url: serversFromEnv().redisUrl, commandTimeoutMs: 500 }));
    const prefix = uniqueCachePrefix();
    try {
      await Promise.all(backends.map((backend) => backend.firstConnection()));
      const [signIn, admin] = backends.map((backend) => new CacheService(backend, prefix, 300));
      for (let n = 1; n <= 5; n += 1) expect((await signIn.hitWindow('login:locked', 900)).count).toBe(n);
      await admin.resetWindow('login:locked');
      expect((await signIn.hitWindow('login:locked', 900)).count).toBe(1);
      expect((await admin.hitWindow('login:locked', 900)).count).toBe(2);
    } finally {
      await backends[0].deletePattern(`${prefix}*`);
      await Promise.all(backends.map((backend) => backend.close()));
    }
  });
});

describe('CacheService processes sharing one Redis and one key prefix', () => {
  const prefix = uniqueCachePrefix();
  let backend: RedisCacheBackend;

  beforeAll(async () => {
    backend = new RedisCacheBackend({ url: serversFromEnv().redisUrl, commandTimeoutMs: 500 });
    await backend.firstConnection();
  });
  afterAll(async () => {
    await backend.deletePattern(`${prefix}*`);
    await backend.close();
  });

  it('keep the entries of different installations (databases) apart', async () => {
    const first = new CacheService(backend, prefix, 300, { installationId: randomUUID() });
    const second = new CacheService(backend, prefix, 300, { installationId: randomUUID() });
    expect(await first.readThrough('edc:vitals:RA001-001', async () => 'first database', { tags: ['s'] })).toBe('first database');
    expect(await second.readThrough('edc:vitals:RA001-001', async () => 'second database', { tags: ['s'] })).toBe('second database');
    expect(await first.readThrough('edc:vitals:RA001-001', async () => 'reloaded', { tags: ['s'] })).toBe('first database');
    await first.set('plain', 1);
    expect(await second.get('plain')).toBeUndefined();
  });

  it('share tag versions, so a process without a database sees the invalidations of its installation', async () => {
    const gateway = new CacheService(backend, prefix, 300);
    const service = new CacheService(backend, prefix, 300, { installationId: randomUUID() });
    expect(await gateway.readThrough('auth:session-user:1', async () => 'active', { tags: ['auth:session:1'] })).toBe('active');
    await service.invalidateTags(['auth:session:1']);
    expect(await gateway.readThrough('auth:session-user:1', async () => 'ended', { tags: ['auth:session:1'] })).toBe('ended');
  });

  it('hide everything cached before a process starts', async () => {
    const running = new CacheService(backend, prefix, 300);
    expect(await running.readThrough('k', async () => 'before', { tags: ['t'] })).toBe('before');
    await new CacheService(backend, prefix, 300).start(60_000);
    expect(await running.readThrough('k', async () => 'after', { tags: ['t'] })).toBe('after');
  });
});

describe('CacheService with the cache_invalidations outbox', () => {
  const prefix = uniqueCachePrefix();
  let database: TestDatabase;
  let connection: DatabaseConnection;
  let backend: RedisCacheBackend;
  const recorded = async (): Promise<string[]> =>
    ((await database.admin('SELECT tag FROM cache_invalidations ORDER BY tag')).rows as Array<{ tag: string }>).map((row) => row.tag);
  const processOnTheDatabase = async () =>
    new CacheService(backend, prefix, 300, {
      installationId: await readInstallationId(connection.dataSource),
      outbox: new CacheInvalidationOutbox(connection.dataSource),
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await DatabaseConnection.open(
      loadPlatformConfig({}, { DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.migrationUrl, DB_POOL_MIN: '1' }),
      { applicationName: 'cache-spec' },
    );
    backend = new RedisCacheBackend({ url: serversFromEnv().redisUrl, commandTimeoutMs: 500 });
    await backend.firstConnection();
  });
  afterAll(async () => {
    await backend?.deletePattern(`${prefix}*`);
    await backend?.close();
    await connection?.close();
    await database?.drop();
  });

  it('commits an invalidation with the change, and drops it with a change rolled back', async () => {
    const writer = await processOnTheDatabase();
    await connection.dataSource.transaction((db) => writer.recordInvalidation(db, ['edc:subject:A', 'edc:subject:A', 'edc:subject:B']));
    await connection.dataSource
      .transaction(async (db) => {
        await writer.recordInvalidation(db, ['edc:subject:C']);
        throw new Error('the change fails');
      })
      .catch(() => undefined);
    expect(await recorded()).toEqual(['edc:subject:A', 'edc:subject:B']);
    await writer.applyRecordedInvalidations();
    expect(await recorded()).toEqual([]);
  });

  it('lets any process apply an invalidation whose writer died between commit and its bump', async () => {
    const reader = await processOnTheDatabase();
    expect(await reader.readThrough('edc:vitals:*:D', async () => 'before the change', { tags: ['edc:subject:D'] })).toBe('before the change');
    const writer = await processOnTheDatabase();
    await connection.dataSource.transaction((db) => writer.recordInvalidation(db, ['edc:subject:D']));
    // (the writer never calls invalidateTags)

    await reader.applyRecordedInvalidations();
    expect(await reader.readThrough('edc:vitals:*:D', async () => 'after the change', { tags: ['edc:subject:D'] })).toBe('after the change');
    expect(await recorded()).toEqual([]);
  });

  it('keeps recorded invalidations while Redis is unreachable, and applies them once it is back', async () => {
    const redis = await startRedisServer();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const unreachable = new RedisCacheBackend({ url: redis.url, commandTimeoutMs: 200 });
    await unreachable.firstConnection();
    const cache = new CacheService(unreachable, prefix, 300, { outbox: new CacheInvalidationOutbox(connection.dataSource) });
    try {
      await redis.stop();
      await cache.invalidateTags(['edc:subject:E']);
      expect(await recorded()).toEqual(['edc:subject:E']);
      await cache.applyRecordedInvalidations();
      expect(await recorded()).toEqual(['edc:subject:E']);
      await applyWhenBack(cache, redis.port);
      expect(await recorded()).toEqual([]);
    } finally {
      warn.mockRestore();
      await cache.close();
      await redis.stop();
    }
  });
});

/** Restarts Redis on its port and waits for the cache to have applied what was recorded meanwhile. */
async function applyWhenBack(cache: CacheService, port: number): Promise<void> {
  const restarted = await startRedisServer(port);
  try {
    await waitUntil(async () => cache.ping().then(() => true, () => false), 10_000);
    await cache.applyRecordedInvalidations();
  } finally {
    await restarted.stop();
  }
}
