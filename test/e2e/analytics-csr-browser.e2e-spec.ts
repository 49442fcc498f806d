import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { createUser, type Client } from '../support/auth.js';
import { CHROMIUM, itInBrowser, launchChromium } from '../support/browser.js';
import { type Mode, type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId } from '../support/vitals-fixtures.js';
import { eventually } from '../support/wait.js';

/** Not localhost: the page is opened as a person opens it, by host name over plain HTTP. */
const HOST = 'platform-report.test';
const SCREENSHOT = join(tmpdir(), 'csr.png');
const CHARTS_SCREENSHOT = join(tmpdir(), 'csr-charts.png');

interface Cell {
  visit: string;
  arm: string;
  n: number;
  mean: number | null;
  ci_lower: number | null;
  ci_upper: number | null;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
}

interface Report {
  title_page: { title: string };
  synthetic_notice: string;
  efficacy: { primary_endpoint: { by_arm: Cell[] } };
  safety: { vital_signs: Array<{ parameter: string; values: Cell[] }> };
}

function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, message: response.body?.message }).toEqual({ status, message: response.body?.message });
}

const fixed = (value: number | null): string => (value === null ? 'n/a' : value.toFixed(2));

/**
 * The stored report's HTML page in headless Chromium: it renders with its charts, says on top that
 * the data are synthetic, fetches nothing but itself, logs no error (its policy blocks nothing it
 * uses), and the numbers the charts show are the report's.
 */
describe.each<Mode>(['all-in-one', 'split'])('the clinical study report page in a browser (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let statistician: Client;
  let token: string;
  let documentId: string;
  let report: Report;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    const user = await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('stat'), roles: ['statistician'] });
    statistician = user.client;
    token = user.session.accessToken;
    const accepted = await platform.admin.post('/generation/generate/rules').send({ n_total: 30, first_subject_number: 301, seed: 7, store: true });
    expectStatus(accepted, 202);
    const datasetId = accepted.body.id as string;
    await eventually(
      async () => {
        const job = await platform.admin.get(`/generation/jobs/${datasetId}`);
        if (['failed', 'cancelled'].includes(job.body.state)) throw new Error(`generation ${job.body.state}: ${job.body.error}`);
        return job.body.state === 'stored' ? job : undefined;
      },
      60_000,
      100,
    );
    const generated = await statistician.post('/analytics/csr').send({ study: 'DEFAULT', dataset_id: datasetId, title: 'Synthetic <em>trial</em> report' });
    expectStatus(generated, 201);
    documentId = generated.body.id;
    const json = await statistician.get(`/analytics/csr/${documentId}`);
    expectStatus(json, 200);
    report = json.body as Report;
  }, 120_000);
  afterAll(() => platform?.close());

  itInBrowser(`renders with the synthetic banner and charts that show the report's numbers (needs ${CHROMIUM})`, async () => {
    const port = new URL(platform.baseUrl).port;
    const url = `http://${HOST}:${port}/analytics/csr/${documentId}?format=html`;
    const browser = await launchChromium([`MAP ${HOST} 127.0.0.1`]);
    try {
      const context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${token}` }, viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('requestfailed', (failure) => problems.push(`request failed: ${failure.url()}`));
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);

      expect(await page.title()).toBe('Synthetic <em>trial</em> report (version 1)');
      expect(await page.textContent('h1')).toBe('Synthetic <em>trial</em> report');
      expect(await page.locator('h1 em').count()).toBe(0);
      const banner = page.locator('#synthetic-banner');
      expect(await banner.isVisible()).toBe(true);
      expect(await banner.textContent()).toBe(report.synthetic_notice);
      const bannerBox = await banner.boundingBox();
      const titleBox = await page.locator('h1').boundingBox();
      expect(bannerBox!.y).toBeLessThan(titleBox!.y);

      for (const chart of ['#chart-mean-ci svg', '#chart-distribution svg']) {
        const box = await page.locator(chart).boundingBox();
        expect(box).not.toBeNull();
        expect(box!.width).toBeGreaterThan(200);
        expect(box!.height).toBeGreaterThan(100);
      }

      // The mean ± CI chart: its data table equals the report's means and intervals, and its labels show the means.
      const systolic = report.safety.vital_signs.find((vital) => vital.parameter === 'systolic_bp')!;
      expect(systolic.values.length).toBeGreaterThan(2);
      const rows = await page.locator('#chart-mean-ci-data tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          visit: tr.getAttribute('data-visit'),
          arm: tr.getAttribute('data-arm'),
          mean: tr.querySelector('.mean')?.textContent,
          lower: tr.querySelector('.ci-lower')?.textContent,
          upper: tr.querySelector('.ci-upper')?.textContent,
        })),
      );
      expect(rows).toEqual(systolic.values.map((cell) => ({ visit: cell.visit, arm: cell.arm, mean: fixed(cell.mean), lower: fixed(cell.ci_lower), upper: fixed(cell.ci_upper) })));
      const labels = await page.locator('#chart-mean-ci svg text').allTextContents();
      for (const cell of systolic.values) expect(labels).toContain(String(Number(cell.mean!.toFixed(1))));
      for (const visit of new Set(systolic.values.map((cell) => cell.visit))) expect(labels).toContain(visit);

      // The distribution chart: one box per arm, its five numbers in the table, the medians printed beside the boxes.
      const byArm = report.efficacy.primary_endpoint.by_arm;
      expect(byArm.length).toBeGreaterThanOrEqual(2);
      const boxes = await page.locator('#chart-distribution-data tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      expect(boxes).toEqual(byArm.map((cell) => [cell.arm, String(cell.n), ...[cell.min, cell.q1, cell.median, cell.q3, cell.max].map(fixed)]));
      const distributionLabels = await page.locator('#chart-distribution svg text').allTextContents();
      for (const cell of byArm) {
        expect(distributionLabels).toContain(`${cell.arm} (n=${cell.n})`);
        expect(distributionLabels).toContain(`median ${Number(cell.median!.toFixed(2))}`);
      }

      // For a person to look at: the first page, and the charts.
      await page.screenshot({ path: SCREENSHOT, fullPage: false });
      await page.locator('#chart-mean-ci').screenshot({ path: CHARTS_SCREENSHOT });
      // Only the page itself was fetched; nothing was blocked or logged as an error.
      expect(requests).toEqual([url]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
