import type { CacheBackend, WindowCount } from './cache-backend.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Process-local store with the same semantics as the Redis backend; for single-process runs. */
export class MemoryCacheBackend implements CacheBackend {
  readonly kind = 'memory' as const;
  readonly description = 'in-process memory cache';
  private readonly entries = new Map<string, Entry>();
  private readonly counters = new Map<string, number>();
  private readonly windows = new Map<string, { count: number; expiresAt: number }>();

  constructor(private readonly maxEntries = 50_000) {}

  async get(key: string): Promise<string | null> {
    return this.read(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  async unlink(keys: string[]): Promise<void> {
    for (const key of keys) {
      this.entries.delete(key);
      this.counters.delete(key);
      this.windows.delete(key);
    }
  }

  async deletePattern(pattern: string): Promise<number> {
    const matcher = globToRegExp(pattern);
    let removed = 0;
    for (const store of [this.entries, this.counters, this.windows]) {
      for (const key of [...store.keys()]) {
        if (matcher.test(key)) {
          store.delete(key);
          removed += 1;
        }
      }
    }
    return removed;
  }

  async increment(keys: string[]): Promise<void> {
    for (const key of keys) this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  async getVersioned(key: string, versionKeys: string[]): Promise<{ versionedKey: string; value: string | null }> {
    const version = versionKeys.map((versionKey) => String(this.counters.get(versionKey) ?? 0)).join('.');
    const versionedKey = `${key}#${version}`;
    return { versionedKey, value: this.read(versionedKey) };
  }

  async hitWindow(key: string, windowSeconds: number): Promise<WindowCount> {
    const now = Date.now();
    const current = this.windows.get(key);
    const window = current && current.expiresAt > now ? current : { count: 0, expiresAt: now + windowSeconds * 1000 };
    window.count += 1;
    this.windows.set(key, window);
    return { count: window.count, secondsLeft: Math.ceil((window.expiresAt - now) / 1000) };
  }

  async unhitWindow(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window && window.count > 0) window.count -= 1;
  }

  async peekWindow(key: string): Promise<WindowCount> {
    const now = Date.now();
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

  private read(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
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
