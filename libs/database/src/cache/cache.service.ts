import { Logger } from '@nestjs/common';
import type { CacheBackend, WindowCount } from './cache-backend.js';
import { MemoryCacheBackend } from './memory-cache.backend.js';
import { COUNTER_TTL_SECONDS } from './redis-cache.backend.js';

export interface ReadThroughOptions {
  ttlSeconds?: number;
  /** Names whose invalidation (see `invalidateTags`) makes this entry unreachable. */
  tags?: string[];
}

const EPOCH_TAG = 'cache-epoch';

/**
 * JSON cache over Redis (or memory) that never fails a request: when the backend is down,
 * reads are misses and writes are skipped.
 *
 * Entries read through `readThrough` are keyed by the current versions of their tags, read in the
 * same round trip. `invalidateTags` bumps those versions, so a reader that loaded old rows just
 * before a write commits stores them under a version nobody asks for again: no stale reads after
 * a store, without locks. A global epoch tag is bumped when an invalidation could not reach the
 * backend, which invalidates everything cached before the outage.
 */
export class CacheService {
  private readonly logger = new Logger('Cache');
  private invalidationLost = false;
  /** Counts limits in-process while the shared backend is unreachable. */
  private readonly localCounters = new MemoryCacheBackend();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly backend: CacheBackend,
    private readonly prefix: string,
    private readonly defaultTtlSeconds: number,
  ) {
    backend.onRecovered(() => void this.bumpEpochAfterOutage());
  }

  get kind(): 'redis' | 'memory' {
    return this.backend.kind;
  }

  get description(): string {
    return this.backend.description;
  }

  get stats(): { hits: number; misses: number } {
    return { hits: this.hits, misses: this.misses };
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.attempt(() => this.backend.get(this.prefix + key));
    return raw == null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds = this.defaultTtlSeconds): Promise<void> {
    await this.attempt(() => this.backend.set(this.prefix + key, JSON.stringify(value), ttlSeconds));
  }

  async delete(...keys: string[]): Promise<void> {
    await this.attempt(() => this.backend.unlink(keys.map((key) => this.prefix + key)));
  }

  /** Deletes keys matching a glob (incremental SCAN + UNLINK on Redis); returns how many, 0 when down. */
  async deletePattern(pattern: string): Promise<number> {
    return (await this.attempt(() => this.backend.deletePattern(this.prefix + pattern))) ?? 0;
  }

  async readThrough<T>(key: string, load: () => Promise<T>, options: ReadThroughOptions = {}): Promise<T> {
    if (this.invalidationLost) await this.bumpEpochAfterOutage();
    const tagKeys = [EPOCH_TAG, ...(options.tags ?? [])].map((tag) => this.tagKey(tag));
    const cached = this.invalidationLost
      ? undefined
      : await this.attempt(() => this.backend.getVersioned(this.prefix + key, tagKeys));
    if (cached?.value != null) {
      this.hits += 1;
      return JSON.parse(cached.value) as T;
    }
    this.misses += 1;
    const value = await load();
    if (cached && value !== undefined) {
      // Never outlive the tag counters that key the entry (see COUNTER_TTL_SECONDS).
      const ttl = Math.min(options.ttlSeconds ?? this.defaultTtlSeconds, COUNTER_TTL_SECONDS);
      await this.attempt(() => this.backend.set(cached.versionedKey, JSON.stringify(value), ttl));
    }
    return value;
  }

  /** Makes every entry read through with one of these tags unreachable. Call after the write commits. */
  async invalidateTags(tags: string[]): Promise<void> {
    if (tags.length === 0) return;
    const done = await this.attempt(async () => {
      await this.backend.increment(tags.map((tag) => this.tagKey(tag)));
      return true;
    });
    if (!done) this.invalidationLost = true;
  }

  /**
   * Counts a hit in a fixed window (rate limits, failed logins). Shared through Redis across
   * processes; while Redis is down, counted in this process so limits still hold here.
   */
  async hitWindow(key: string, windowSeconds: number): Promise<WindowCount> {
    const shared = await this.attempt(() => this.backend.hitWindow(this.prefix + key, windowSeconds));
    return shared ?? this.localCounters.hitWindow(key, windowSeconds);
  }

  async unhitWindow(key: string): Promise<void> {
    const done = await this.attempt(async () => {
      await this.backend.unhitWindow(this.prefix + key);
      return true;
    });
    if (!done) await this.localCounters.unhitWindow(key);
  }

  async peekWindow(key: string): Promise<WindowCount> {
    const shared = await this.attempt(() => this.backend.peekWindow(this.prefix + key));
    return shared ?? this.localCounters.peekWindow(key);
  }

  async resetWindow(key: string): Promise<void> {
    await this.attempt(() => this.backend.unlink([this.prefix + key]));
    await this.localCounters.unlink([key]);
  }

  async ping(): Promise<void> {
    await this.backend.ping();
  }

  async close(): Promise<void> {
    await this.backend.close();
  }

  private tagKey(tag: string): string {
    return `${this.prefix}tag:${tag}`;
  }

  private async bumpEpochAfterOutage(): Promise<void> {
    const done = await this.attempt(async () => {
      await this.backend.increment([this.tagKey(EPOCH_TAG)]);
      return true;
    });
    if (done) this.invalidationLost = false;
  }

  /** Runs a backend call; any failure (down, timeout) becomes `undefined`. The backend logs outages. */
  private async attempt<T>(operation: () => Promise<T>): Promise<T | undefined> {
    try {
      return await operation();
    } catch (error) {
      this.logger.debug(`cache operation skipped: ${(error as Error).message}`);
      return undefined;
    }
  }
}
