import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CacheBackend, WindowCount } from './cache-backend.js';
import type { CacheInvalidationOutbox } from './cache-invalidation-outbox.js';
import { MemoryCacheBackend } from './memory-cache.backend.js';
import { COUNTER_TTL_SECONDS } from './redis-cache.backend.js';

/** Tags bumped per round trip by `invalidateTags`. */
const INVALIDATION_SLICE = 1_000;

export interface ReadThroughOptions {
  ttlSeconds?: number;
  /** Names whose invalidation (see `invalidateTags`) makes this entry unreachable. */
  tags?: string[];
}

export interface CacheScope {
  /** The identity of the database this process reads from (see installation-id.ts); entry and counter keys carry it. */
  installationId?: string;
  /** Where invalidations are recorded so that any process can apply those that missed Redis. */
  outbox?: CacheInvalidationOutbox;
}

const EPOCH_TAG = 'cache-epoch';
const REPLAY_BATCH = 1_000;
/** While Redis stays unreachable, how often recorded invalidations too old to matter are dropped. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * What this process must do before it may serve from the cache again after an invalidation
 * failed to reach the backend: nothing; wait for the outbox to be applied (by any process); or
 * bump the epoch itself (the invalidation was recorded nowhere).
 */
type LostInvalidation = 'none' | 'in-outbox' | 'unrecorded';

/**
 * JSON cache over Redis (or memory) that never fails a request: when the backend is down,
 * reads are misses and writes are skipped.
 *
 * Entries read through `readThrough` are keyed by the current versions of their tags, read in the
 * same round trip. `invalidateTags` bumps those versions, so a reader that loaded old rows just
 * before a write commits stores them under a version nobody asks for again: no stale reads after
 * a store, without locks.
 *
 * A bump can miss Redis (unreachable from this process, or the process dies after commit). Writes
 * record their invalidations in the database too (`recordInvalidation`, in their transaction), and
 * every process with the database applies recorded ones to Redis every `replayIntervalMs` and when
 * Redis comes back, so another process serves what the lost bump should have hidden for at most
 * that long. The global epoch tag, bumped at start-up, hides everything cached before.
 *
 * Entry and counter keys carry the installation id (one per database); tag versions do not, because
 * a gateway without a database must see the invalidations of its own installation's services, and a
 * bump from another installation costs at most a miss.
 */
export class CacheService {
  private readonly logger = new Logger('Cache');
  private readonly keyPrefix: string;
  private readonly outbox?: CacheInvalidationOutbox;
  private lost: LostInvalidation = 'none';
  /** Counts lost invalidations, so a replay that began before one does not count as applying it. */
  private losses = 0;
  private replaying?: Promise<void>;
  private replayTimer?: NodeJS.Timeout;
  private prunedAt = 0;
  private replayStopped = false;
  /** Counts limits in-process while the shared backend is unreachable. */
  private readonly localCounters = new MemoryCacheBackend();
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly backend: CacheBackend,
    private readonly prefix: string,
    private readonly defaultTtlSeconds: number,
    scope: CacheScope = {},
  ) {
    this.keyPrefix = scope.installationId ? `${prefix}${scope.installationId}:` : prefix;
    this.outbox = scope.outbox;
    backend.onRecovered(() => void this.recoverAfterOutage());
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

  /**
   * Hides everything cached before this process started (it may have been written from data
   * changed while no process was running), then applies recorded invalidations now and every
   * `replayIntervalMs`.
   */
  async start(replayIntervalMs: number): Promise<void> {
    this.lost = 'unrecorded';
    await this.bumpEpoch();
    if (!this.outbox) return;
    await this.applyRecordedInvalidations();
    this.replayTimer = setInterval(() => void this.applyRecordedInvalidations(), replayIntervalMs);
    this.replayTimer.unref();
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.attempt(() => this.backend.get(this.keyPrefix + key));
    return raw == null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds = this.defaultTtlSeconds): Promise<void> {
    await this.attempt(() => this.backend.set(this.keyPrefix + key, JSON.stringify(value), ttlSeconds));
  }

  async delete(...keys: string[]): Promise<void> {
    await this.attempt(() => this.backend.unlink(keys.map((key) => this.keyPrefix + key)));
  }

  /** Deletes keys matching a glob (incremental SCAN + UNLINK on Redis); returns how many, 0 when down. */
  async deletePattern(pattern: string): Promise<number> {
    return (await this.attempt(() => this.backend.deletePattern(this.keyPrefix + pattern))) ?? 0;
  }

  async readThrough<T>(key: string, load: () => Promise<T>, options: ReadThroughOptions = {}): Promise<T> {
    if (this.lost === 'unrecorded') await this.bumpEpoch();
    const tagKeys = [EPOCH_TAG, ...(options.tags ?? [])].map((tag) => this.tagKey(tag));
    const cached = this.lost !== 'none' ? undefined : await this.attempt(() => this.backend.getVersioned(this.keyPrefix + key, tagKeys));
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

  /**
   * In the transaction of a change: records its invalidation so that it reaches Redis even if the
   * bump after commit (`invalidateTags(tags, { recordedInTransaction: true })`) does not.
   * Nothing to record without a shared cache or a database.
   */
  async recordInvalidation(db: EntityManager, tags: string[]): Promise<void> {
    // An in-process cache is bumped by the same process after commit, or not at all if it dies with it.
    if (this.backend.kind !== 'redis') return;
    await this.outbox?.record(db, tags);
  }

  /**
   * Makes every entry read through with one of these tags unreachable. Call after the write commits.
   * A bump that cannot reach the backend is left to the outbox: recorded in the transaction, or
   * here, late, when the caller did not.
   */
  async invalidateTags(tags: string[], options: { recordedInTransaction?: boolean } = {}): Promise<void> {
    // In slices, so a large import's bump never outlasts the command timeout as one pipeline.
    for (let start = 0; start < tags.length; start += INVALIDATION_SLICE) {
      await this.invalidateSlice(tags.slice(start, start + INVALIDATION_SLICE), options);
    }
  }

  private async invalidateSlice(tags: string[], options: { recordedInTransaction?: boolean }): Promise<void> {
    const done = await this.attempt(async () => {
      await this.backend.increment(tags.map((tag) => this.tagKey(tag)));
      return true;
    });
    if (done) return;
    this.losses += 1;
    let recorded = Boolean(this.outbox && options.recordedInTransaction);
    if (this.outbox && !recorded) {
      recorded = await this.outbox.recordLate(tags).then(
        () => true,
        (error: Error) => {
          this.logger.error(`cache invalidation reached neither Redis nor the database: ${error.message}`);
          return false;
        },
      );
    }
    if (!recorded) this.lost = 'unrecorded';
    else if (this.lost === 'none') this.lost = 'in-outbox';
  }

  /**
   * Counts a hit in a fixed window (rate limits, failed logins). Shared through Redis across
   * processes, with a copy in this process of the last count Redis gave: when Redis is down, or
   * slower than the command timeout under load, counting goes on from there instead of from zero,
   * so a burst of parallel guesses cannot outrun a sign-in limit. The copy follows Redis whenever
   * it answers, so a reset made elsewhere (an unlock) holds here too.
   */
  async hitWindow(key: string, windowSeconds: number): Promise<WindowCount> {
    const shared = await this.attempt(() => this.backend.hitWindow(this.keyPrefix + key, windowSeconds));
    return shared ? this.localCounters.mirrorWindow(key, shared) : this.localCounters.hitWindow(key, windowSeconds);
  }

  async unhitWindow(key: string): Promise<void> {
    await this.attempt(() => this.backend.unhitWindow(this.keyPrefix + key));
    await this.localCounters.unhitWindow(key);
  }

  async peekWindow(key: string): Promise<WindowCount> {
    const shared = await this.attempt(() => this.backend.peekWindow(this.keyPrefix + key));
    return shared ?? this.localCounters.peekWindow(key);
  }

  async resetWindow(key: string): Promise<void> {
    await this.attempt(() => this.backend.unlink([this.keyPrefix + key]));
    await this.localCounters.unlink([key]);
  }

  async ping(): Promise<void> {
    await this.backend.ping();
  }

  /** Applies recorded invalidations to the backend (also done every `replayIntervalMs`); one run at a time per process. */
  applyRecordedInvalidations(): Promise<void> {
    const outbox = this.outbox;
    if (!outbox || this.replayStopped) return Promise.resolve();
    this.replaying ??= (async () => {
      const losses = this.losses;
      try {
        while ((await outbox.drain((tags) => this.backend.increment(tags.map((tag) => this.tagKey(tag))), REPLAY_BATCH)) === REPLAY_BATCH);
        if (this.lost === 'in-outbox' && this.losses === losses) this.lost = 'none';
      } catch (error) {
        this.logger.debug(`recorded cache invalidations not applied yet: ${(error as Error).message}`);
        if (Date.now() - this.prunedAt > PRUNE_INTERVAL_MS) {
          this.prunedAt = Date.now();
          // Older than any entry can live (COUNTER_TTL_SECONDS at most), they hide nothing any more.
          await outbox.prune(COUNTER_TTL_SECONDS).catch(() => undefined);
        }
      }
    })().finally(() => {
      this.replaying = undefined;
    });
    return this.replaying;
  }

  /** Stops replaying recorded invalidations (before the database closes). */
  async stopReplay(): Promise<void> {
    this.replayStopped = true;
    clearInterval(this.replayTimer);
    this.replayTimer = undefined;
    await this.replaying;
  }

  async close(): Promise<void> {
    await this.stopReplay();
    await this.backend.close();
  }

  private tagKey(tag: string): string {
    return `${this.prefix}tag:${tag}`;
  }

  private async recoverAfterOutage(): Promise<void> {
    if (this.outbox) await this.applyRecordedInvalidations();
    else {
      // Without an outbox, another process's lost invalidation is known nowhere: hide everything.
      this.losses += 1;
      this.lost = 'unrecorded';
    }
    if (this.lost === 'unrecorded') await this.bumpEpoch();
  }

  private async bumpEpoch(): Promise<void> {
    const losses = this.losses;
    const done = await this.attempt(async () => {
      await this.backend.increment([this.tagKey(EPOCH_TAG)]);
      return true;
    });
    if (done && this.losses === losses) this.lost = 'none';
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
