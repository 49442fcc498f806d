import { reportFixture } from '../testing/report-fixture.js';
import { escapeHtml, escapeMarkdown } from './escape.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

const HEADING = { version: 3, id: '6b7c0c1e-0000-4000-8000-000000000001', createdAt: '2026-11-26T10:00:01.000000Z' };
const SYNTHETIC = { synthetic: true, synthetic_notice: 'SYNTHETIC DATA: simulated subjects' };

describe('escaping text from data', () => {
  it('leaves no markup in HTML text or attributes', () => {
    expect(escapeHtml(`<script>alert('x')</script> & "q"`)).toBe('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;');
    expect(escapeHtml(null)).toBe('');
  });

  it('leaves no emphasis, code, links, table cells, raw HTML or line breaks in Markdown', () => {
    expect(escapeMarkdown('a|b *c* _d_ `e` [f](g) <h> & i\nj')).toBe('a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) &lt;h> &amp; i j');
  });
});

describe('the HTML page', () => {
  const html = renderHtml(reportFixture(), HEADING);

  it('is self-contained: no script, no external resource, its policy in a meta element', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`);
    expect(html.match(/<svg /g)).toHaveLength(2);
  });

  it('escapes every text from data', () => {
    expect(html).toContain('<h1>Trial &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;report&quot;</h1>');
    expect(html).toContain('Stroke &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });

  it('renders the same bytes for the same report, whatever was rendered before', () => {
    renderHtml(reportFixture({ synthetic: true }), HEADING);
    expect(renderHtml(reportFixture(), HEADING)).toBe(html);
  });

  it('shows the chart numbers in tables beside the charts, and the means as labels', () => {
    expect(html).toContain('<tr data-visit="Week 12" data-arm="Active"><td>Week 12</td><td>Active</td><td class="num">10</td><td class="num mean">130.04</td><td class="num ci-lower">126.54</td><td class="num ci-upper">133.54</td></tr>');
    const chart = html.slice(html.indexOf('id="chart-mean-ci"'), html.indexOf('id="chart-mean-ci-data"'));
    expect(chart).toContain('>130<');
    expect(chart).toContain('>140.3<');
    expect(html).toContain('<tr data-arm="Placebo"><td>Placebo</td><td class="num">10</td><td class="num">-12.00</td><td class="num">-6.00</td><td class="num">-2.50</td><td class="num">0.00</td><td class="num">5.00</td></tr>');
  });

  it('puts the synthetic banner first, before the title, only when the data are synthetic', () => {
    expect(html).not.toContain('synthetic-banner');
    const synthetic = renderHtml(reportFixture(SYNTHETIC), HEADING);
    const body = synthetic.slice(synthetic.indexOf('<body>') + '<body>'.length).trimStart();
    expect(body.startsWith('<div class="synthetic" id="synthetic-banner" role="alert">SYNTHETIC DATA: simulated subjects</div>')).toBe(true);
  });
});

describe('the Markdown', () => {
  it('says first that the data are synthetic, when they are', () => {
    expect(renderMarkdown(reportFixture(SYNTHETIC), { version: 3 }).split('\n')[0]).toBe('> **SYNTHETIC DATA: simulated subjects**');
    expect(renderMarkdown(reportFixture(), { version: 3 }).split('\n')[0]).toBe('# Trial &lt;script>alert(1)&lt;/script> &amp; "report"');
  });

  it('holds the sections and their numbers as tables', () => {
    const markdown = renderMarkdown(reportFixture(), { version: 3 });
    for (const heading of ['## 1. Synopsis', '## 2. Study design', '## 3. Study subjects', '## 4. Efficacy', '## 5. Safety', '## 6. Data quality', '## Appendices: data listings']) {
      expect(markdown).toContain(`\n${heading}\n`);
    }
    expect(markdown).toContain('| Active | 10 | 10 | 10 | 8 | 2 | 0 |');
    expect(markdown).toContain('| Total | 20 | 20 | 20 | 17 | 3 | 0 |');
    expect(markdown).toContain('| ANCOVA | Active − Placebo | -7.20 | 1.60 | -10.50 | -3.90 | 0.0001 |  |');
    expect(markdown).toContain('| S01 | 3 | 1 | 1 | 0 | 2 |');
    expect(markdown).toContain('- **Study title:** Hypertension \\| phase 2');
    expect(markdown).toContain('_The first 1 of 120 rows_');
    expect(markdown).toContain('_Version 3_');
  });

  it('marks a draft as not stored', () => {
    expect(renderMarkdown(reportFixture(), { draft: true })).toContain('_Draft of the current data: not stored._');
  });
});
