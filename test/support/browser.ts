import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium package; `.ci/run` installs it where it is missing. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * `it` for a test that needs headless Chromium: skipped on a developer's machine without the
 * package, but never in CI, where a missing browser must fail rather than pass unseen.
 */
export const itInBrowser: jest.It = existsSync(CHROMIUM) || process.env.CI === 'true' ? it : it.skip;

/**
 * Headless Chromium as this sandbox allows it: no GPU, no sandbox (root), and none of the
 * background connections a closed network refuses. `hostRules` maps test host names to loopback.
 */
export function launchChromium(hostRules: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...hostRules.map((rule) => `--host-resolver-rules=${rule}`),
    ],
  });
}
