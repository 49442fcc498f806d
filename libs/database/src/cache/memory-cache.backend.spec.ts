import { MemoryCacheBackend } from './memory-cache.backend.js';
import { COUNTER_TTL_SECONDS } from './redis-cache.backend.js';

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_700_000_000_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

const MINUTE = 60_000;

describe('MemoryCacheBackend counters and windows', () => {
  it('sweeps windows once they have expired, so one-off client addresses do not stay in memory', async () => {
    const clock = manualClock();
    const backend = new MemoryCacheBackend(50_000, clock.now);
    for (let client = 0; client < 1_000; client += 1) await backend.hitWindow(`rate:client:10.0.${client >> 8}.${client & 255}`, 60);
    expect(backend.sizes.windows).toBe(1_000);

    clock.advance(2 * MINUTE);
    await backend.hitWindow('rate:client:10.1.0.1', 60);
    expect(backend.sizes.windows).toBe(1);
  });

  it('keeps a window that has not expired, with its count', async () => {
    const clock = manualClock();
    const backend = new MemoryCacheBackend(50_000, clock.now);
    await backend.hitWindow('auth:login-attempts:client:10.0.0.1', 900);
    await backend.hitWindow('auth:login-attempts:client:10.0.0.1', 900);
    clock.advance(2 * MINUTE);
    await backend.hitWindow('rate:client:10.0.0.2', 60);
    expect(await backend.peekWindow('auth:login-attempts:client:10.0.0.1')).toEqual({ count: 2, secondsLeft: 780 });
  });

  it('never holds more windows than its bound, however many keys are counted', async () => {
    const backend = new MemoryCacheBackend(100, manualClock().now);
    for (let user = 0; user < 1_000; user += 1) await backend.hitWindow(`rate:user:${user}`, 60);
    expect(backend.sizes.windows).toBe(100);
    // The newest keep counting.
    expect((await backend.hitWindow('rate:user:999', 60)).count).toBe(2);
  });

  it('expires counters like Redis does, and a lapsed counter never brings back an entry keyed by an old version', async () => {
    const clock = manualClock();
    const backend = new MemoryCacheBackend(50_000, clock.now);
    const before = await backend.getVersioned('vitals:S-1', ['tag:S-1']);
    await backend.set(before.versionedKey, 'old vitals', 10 * COUNTER_TTL_SECONDS);
    await backend.increment(['tag:S-1']);
    const bumped = await backend.getVersioned('vitals:S-1', ['tag:S-1']);
    expect(bumped).toEqual({ versionedKey: 'vitals:S-1#1', value: null });
    await backend.set(bumped.versionedKey, 'vitals after one store', 10 * COUNTER_TTL_SECONDS);

    clock.advance(COUNTER_TTL_SECONDS * 1000 + 2 * MINUTE);
    await backend.increment(['tag:S-2']);
    expect(backend.sizes.counters).toBe(1);
    const lapsed = await backend.getVersioned('vitals:S-1', ['tag:S-1']);
    expect(lapsed.value).toBeNull();
    expect([before.versionedKey, bumped.versionedKey]).not.toContain(lapsed.versionedKey);
  });

  it('never holds more counters than its bound, and an evicted counter does not repeat an old version either', async () => {
    const backend = new MemoryCacheBackend(100, manualClock().now);
    await backend.increment(['tag:first']);
    const first = await backend.getVersioned('vitals:first', ['tag:first']);
    await backend.set(first.versionedKey, 'cached under the evicted version', 3600);
    for (let subject = 0; subject < 1_000; subject += 1) await backend.increment([`tag:${subject}`]);
    expect(backend.sizes.counters).toBe(100);

    const afterEviction = await backend.getVersioned('vitals:first', ['tag:first']);
    expect(afterEviction.value).toBeNull();
    await backend.increment(['tag:first']);
    const bumpedAgain = await backend.getVersioned('vitals:first', ['tag:first']);
    expect(bumpedAgain.value).toBeNull();
    expect(new Set([first.versionedKey, afterEviction.versionedKey, bumpedAgain.versionedKey]).size).toBe(3);
  });
});
