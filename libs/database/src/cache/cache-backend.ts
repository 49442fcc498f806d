/** What the cache needs from a store. Redis in production; an in-process map on the embedded default. */
export interface CacheBackend {
  readonly kind: 'redis' | 'memory';
  readonly description: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  unlink(keys: string[]): Promise<void>;
  /** Removes every key matching a glob pattern; returns how many were removed. */
  deletePattern(pattern: string): Promise<number>;
  /** Increments counters (missing ones start at 0). */
  increment(keys: string[]): Promise<void>;
  /**
   * Reads the counters in `versionKeys`, appends their values to `key`, and reads that key,
   * in one round trip. See CacheService.readThrough for why.
   */
  getVersioned(key: string, versionKeys: string[]): Promise<{ versionedKey: string; value: string | null }>;
  /** Counts a hit in a fixed window that starts with the first hit; returns the count and seconds left. */
  hitWindow(key: string, windowSeconds: number): Promise<WindowCount>;
  /** Takes back one hit of a window that still exists (a counted attempt that turned out fine). */
  unhitWindow(key: string): Promise<void>;
  /** The current count of a window without adding to it (0 when none). */
  peekWindow(key: string): Promise<WindowCount>;
  ping(): Promise<void>;
  /** Resolves once the first connection attempt has settled, so start-up does not serve misses needlessly. */
  firstConnection(): Promise<void>;
  close(): Promise<void>;
  /** Called when the backend comes back after an outage (Redis only). */
  onRecovered(listener: () => void): void;
}

export interface WindowCount {
  count: number;
  secondsLeft: number;
}
