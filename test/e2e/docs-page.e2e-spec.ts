import request from 'supertest';
import { CHROMIUM, itInBrowser, launchChromium } from '../support/browser.js';
import { type Mode, type PlatformUnderTest, startPlatform } from '../support/platform.js';

/** Not localhost: browsers treat loopback names as secure and never upgrade their requests. */
const HOST = 'platform-docs.test';

describe.each<Mode>(['all-in-one', 'split'])('the API docs page over plain HTTP (%s mode)', (mode) => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform(mode);
  });
  afterAll(() => platform?.close());

  it('is served without upgrade-insecure-requests, which would send the browser to https for its scripts', async () => {
    for (const path of ['/docs', '/docs/', '/docs-json']) {
      const response = await request(platform.baseUrl).get(path).redirects(1).expect(200);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    }
    const api = await request(platform.baseUrl).get('/health').expect(200);
    expect(api.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  // Skipped only where Debian's chromium package is not installed, and never in CI; the header check above always runs.
  itInBrowser(`renders the Swagger UI in headless Chromium opened by host name (needs ${CHROMIUM})`, async () => {
    const port = new URL(platform.baseUrl).port;
    // The host name resolves to this machine without touching /etc/hosts.
    const browser = await launchChromium([`MAP ${HOST} 127.0.0.1`]);
    try {
      const page = await browser.newPage();
      const failed: string[] = [];
      page.on('requestfailed', (failure) => failed.push(`request failed: ${failure.url()}`));
      page.on('console', (message) => {
        if (message.type() === 'error') failed.push(`console error: ${message.text()}`);
      });
      await page.goto(`http://${HOST}:${port}/docs`);
      await page.waitForSelector('.swagger-ui .opblock', { timeout: 20_000 }).catch((error: Error) => {
        throw new Error(`${error.message}\n${failed.join('\n')}`);
      });
      expect(await page.textContent('.swagger-ui .info .title')).toContain('Clinical-trial data platform API');
      expect(await page.locator('.opblock-summary-path', { hasText: '/edc/store-vitals' }).count()).toBe(1);
      // Nothing blocked or failed, and nothing fetched from outside the platform (Swagger's validator badge).
      expect(failed).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
