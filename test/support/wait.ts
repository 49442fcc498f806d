/** Polls `check` until it finds what it looks for (a buffered write, a process state), or gives up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls `condition` until it holds, or gives up. */
export async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 5_000, intervalMs = 50): Promise<void> {
  await eventually(async () => ((await condition()) ? true : undefined), timeoutMs, intervalMs);
}
