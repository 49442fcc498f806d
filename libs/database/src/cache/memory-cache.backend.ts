import type { CacheBackend, WindowCount } from './cache-backend.js';
import { COUNTER_TTL_SECONDS } from './redis-cache.backend.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** How often expired counters and windows are swept (on the next call that adds to them). */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Process-local store with the same semantics as the Redis backend; for single-process runs, and
 * for counting limits while Redis is down. Like Redis keys, counters and windows expire, and none
 * of the three maps grows past `maxEntries` however many client addresses and users it counts.
 */
export class MemoryCacheBackend implements CacheBackend {
  readonly kind = 'memory' as const;
  readonly description = 'in-process memory cache';
  private readonly entries = new Map<string, Entry>();
  /** Insertion order is expiry order: a counter is moved to the end whenever it is bumped. */
  private readonly counters = new Map<string, { value: number; expiresAt: number }>();
  private readonly windows = new Map<string, { count: number; expiresAt: number }>();
  /**
   * What a missing counter reads as. It rises past every value a removed counter had, so a counter
   * that expired or was evicted never repeats an old version: entries keyed by it stay unreachable.
   */
  private counterFloor = 0;
  private nextSweepAt: number;

  constructor(
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {
    this.nextSweepAt = now() + SWEEP_INTERVAL_MS;
  }

  /** How many keys each store holds (for tests and diagnostics). */
  get sizes(): { entries: number; counters: number; windows: number } {
    return { entries: this.entries.size, counters: this.counters.size, windows: this.windows.size };
  }

  async get(key: string): Promise<string | null> {
    return this.read(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  async unlink(keys: string[]): Promise<void> {
    for (const key of keys) {
      this.entries.delete(key);
      this.removeCounter(key);
      this.windows.delete(key);
    }
  }

  async deletePattern(pattern: string): Promise<number> {
    const matcher = globToRegExp(pattern);
    let removed = 0;
    for (const store of [this.entries, this.counters, this.windows]) {
      for (const key of [...store.keys()]) {
        if (matcher.test(key)) {
          if (store === this.counters) this.removeCounter(key);
          else store.delete(key);
          removed += 1;
        }
      }
    }
    return removed;
  }

  async increment(keys: string[]): Promise<void> {
    const now = this.now();
    this.sweepIfDue(now);
    for (const key of keys) {
      const value = this.counterValue(key, now) + 1;
      this.counters.delete(key);
      this.counters.set(key, { value, expiresAt: now + COUNTER_TTL_SECONDS * 1000 });
    }
    while (this.counters.size > this.maxEntries) this.removeCounter(this.counters.keys().next().value as string);
  }

  async getVersioned(key: string, versionKeys: string[]): Promise<{ versionedKey: string; value: string | null }> {
    const now = this.now();
    const version = versionKeys.map((versionKey) => String(this.counterValue(versionKey, now))).join('.');
    const versionedKey = `${key}#${version}`;
    return { versionedKey, value: this.read(versionedKey) };
  }

  async hitWindow(key: string, windowSeconds: number): Promise<WindowCount> {
    const now = this.now();
    this.sweepIfDue(now);
    let window = this.windows.get(key);
    if (!window || window.expiresAt <= now) {
      // A new window goes to the end, so the first key is (about) the one that expires first.
      this.windows.delete(key);
      window = { count: 0, expiresAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
      // Under a flood of new keys the oldest windows go first: memory stays bounded.
      while (this.windows.size > this.maxEntries) this.windows.delete(this.windows.keys().next().value as string);
    }
    window.count += 1;
    return { count: window.count, secondsLeft: Math.ceil((window.expiresAt - now) / 1000) };
  }

  /**
   * Keeps a copy of a count the shared store answered (Redis answers in order, so its latest answer
   * holds every hit that reached it, and a reset elsewhere shows as a lower count in a new window).
   */
  mirrorWindow(key: string, shared: WindowCount): WindowCount {
    this.windows.delete(key);
    this.windows.set(key, { count: shared.count, expiresAt: this.now() + shared.secondsLeft * 1000 });
    while (this.windows.size > this.maxEntries) this.windows.delete(this.windows.keys().next().value as string);
    return shared;
  }

  async unhitWindow(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window && window.expiresAt > this.now() && window.count > 0) window.count -= 1;
  }

  async peekWindow(key: string): Promise<WindowCount> {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.expiresAt <= now) return { count: 0, secondsLeft: 0 };
    return { count: window.count, secondsLeft: Math.ceil((window.expiresAt - now) / 1000) };
  }

  async ping(): Promise<void> {}

  async firstConnection(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear();
    this.counters.clear();
    this.windows.clear();
  }

  onRecovered(): void {}

  private counterValue(key: string, now: number): number {
    const counter = this.counters.get(key);
    if (!counter) return this.counterFloor;
    if (counter.expiresAt > now) return counter.value;
    this.removeCounter(key);
    return this.counterFloor;
  }

  private removeCounter(key: string): void {
    const counter = this.counters.get(key);
    if (!counter) return;
    this.counters.delete(key);
    this.counterFloor = Math.max(this.counterFloor, counter.value) + 1;
  }

  /** Removes expired counters and windows once a minute, so keys used once do not stay forever. */
  private sweepIfDue(now: number): void {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [key, counter] of this.counters) if (counter.expiresAt <= now) this.removeCounter(key);
    for (const [key, window] of this.windows) if (window.expiresAt <= now) this.windows.delete(key);
  }

  private read(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }
}

/** Redis glob subset: `*`, `?` and literal characters. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
