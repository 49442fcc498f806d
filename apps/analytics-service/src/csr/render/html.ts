import type { CsrReport } from '../report/csr-report.js';
import { fixed } from '../report/numbers.js';
import { distributionChart, meanByVisitChart } from './charts.js';
import { escapeHtml } from './escape.js';
import { designTables, efficacyTables, listingTable, qualityTables, safetyTables, subjectTables, synopsisLines, type Table, titleLines } from './sections.js';

/** The page's policy: nothing but its own inline styles and data images; no script, no request. Also in the page, for a saved copy. */
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
/** As the response header: a <meta> policy cannot forbid framing. */
export const CSR_PAGE_POLICY = `${PAGE_POLICY}; frame-ancestors 'none'`;

const STYLE = `
body{font-family:Georgia,'Times New Roman',serif;max-width:1000px;margin:0 auto;padding:0 24px 48px;color:#1a1a1a;line-height:1.45}
h1{font-size:1.7em;margin-top:8px}h2{border-bottom:2px solid #1f5fa8;padding-bottom:4px;margin-top:2em}h3{font-size:1.05em}
table{border-collapse:collapse;margin:8px 0 16px;min-width:60%;font-family:system-ui,sans-serif;font-size:.82em}
caption{text-align:left;font-weight:600;padding:4px 0}th,td{border:1px solid #c8ccd2;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.synthetic{background:#b00020;color:#fff;font-family:system-ui,sans-serif;font-weight:700;padding:12px 16px;margin:0 -24px 16px;text-align:center}
.meta th{width:220px}.note{font-size:.85em;color:#444}.chart{margin:12px 0}.chart svg{max-width:100%;height:auto;border:1px solid #e3e6ea}
@media print{.synthetic{-webkit-print-color-adjust:exact;print-color-adjust:exact}h2{page-break-before:always}}`;

const NUMERIC = /^-?[\d.]+$|^n\/a$|^<0\.0001$/;

function table(t: Table, id?: string): string {
  const head = `<tr>${t.headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = t.rows.map((row) => `<tr>${row.map((cell) => `<td${NUMERIC.test(cell) ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  const note = t.note ? `<p class="note">${escapeHtml(t.note)}</p>` : '';
  return `<table${id ? ` id="${id}"` : ''}><caption>${escapeHtml(t.caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table>${note}`;
}

const definitionTable = (lines: Array<[string, string]>, id: string): string =>
  `<table class="meta" id="${id}"><tbody>${lines.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;

/** The numbers each chart draws, in a table beside it (what a reader, or a test, reads exactly). */
function chartData(report: CsrReport): { visits: string[]; arms: string[] } {
  const systolic = report.safety.vital_signs.find((vital) => vital.parameter === 'systolic_bp');
  const visits = report.study_design.visits.map((visit) => visit.name).filter((visit) => systolic?.values.some((cell) => cell.visit === visit));
  const extraVisits = [...new Set(systolic?.values.map((cell) => cell.visit) ?? [])].filter((visit) => !visits.includes(visit));
  return { visits: [...visits, ...extraVisits], arms: [...new Set(systolic?.values.map((cell) => cell.arm) ?? [])] };
}

function charts(report: CsrReport): string {
  const systolic = report.safety.vital_signs.find((vital) => vital.parameter === 'systolic_bp');
  if (!systolic || systolic.values.length === 0) return '<p>No systolic blood pressure values in scope: no charts.</p>';
  const { visits, arms } = chartData(report);
  const orderedArms = [...report.synopsis.arms.filter((arm) => arms.includes(arm)), ...arms.filter((arm) => !report.synopsis.arms.includes(arm))];
  const meanTable = `<table id="chart-mean-ci-data"><caption>Systolic BP (mmHg): mean and 95% CI by visit and arm (the chart's numbers)</caption>
<thead><tr><th scope="col">Visit</th><th scope="col">Arm</th><th scope="col">n</th><th scope="col">Mean</th><th scope="col">95% CI lower</th><th scope="col">95% CI upper</th></tr></thead><tbody>
${systolic.values
  .map(
    (cell) =>
      `<tr data-visit="${escapeHtml(cell.visit)}" data-arm="${escapeHtml(cell.arm)}"><td>${escapeHtml(cell.visit)}</td><td>${escapeHtml(cell.arm)}</td><td class="num">${cell.n}</td>` +
      `<td class="num mean">${fixed(cell.mean)}</td><td class="num ci-lower">${fixed(cell.ci_lower)}</td><td class="num ci-upper">${fixed(cell.ci_upper)}</td></tr>`,
  )
  .join('\n')}</tbody></table>`;
  const primary = report.efficacy.primary_endpoint;
  const distribution =
    primary.by_arm.length === 0
      ? `<p>No change from baseline at ${escapeHtml(primary.visit ?? 'the last visit')}: no distribution chart.</p>`
      : `<figure class="chart" id="chart-distribution">${distributionChart(primary.by_arm, `Change from baseline in systolic BP at ${primary.visit}: distribution by arm`, 'mmHg')}</figure>
<table id="chart-distribution-data"><caption>Distribution by arm (the chart's numbers)</caption><thead><tr><th scope="col">Arm</th><th scope="col">n</th><th scope="col">Min</th><th scope="col">Q1</th><th scope="col">Median</th><th scope="col">Q3</th><th scope="col">Max</th></tr></thead><tbody>
${primary.by_arm
  .map((cell) => `<tr data-arm="${escapeHtml(cell.arm)}"><td>${escapeHtml(cell.arm)}</td><td class="num">${cell.n}</td>${[cell.min, cell.q1, cell.median, cell.q3, cell.max].map((v) => `<td class="num">${fixed(v)}</td>`).join('')}</tr>`)
  .join('\n')}</tbody></table>`;
  return `<figure class="chart" id="chart-mean-ci">${meanByVisitChart(systolic.values, visits, orderedArms, 'Systolic BP: mean ± 95% CI by visit', 'mmHg')}</figure>
${meanTable}
${distribution}`;
}

export interface DocumentHeading {
  version: number;
  id: string;
  createdAt: string;
}

/** The report as one self-contained page: inline CSS and SVG charts, no script, nothing fetched. */
export function renderHtml(report: CsrReport, heading: DocumentHeading): string {
  const t = report.title_page;
  const banner = report.synthetic ? `<div class="synthetic" id="synthetic-banner" role="alert">${escapeHtml(report.synthetic_notice)}</div>` : '';
  const section = (id: string, title: string, body: string) => `<section id="${id}"><h2>${title}</h2>\n${body}\n</section>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${PAGE_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)} (version ${heading.version})</title>
<style>${STYLE}</style>
</head>
<body>
${banner}
<header id="title-page">
<h1>${escapeHtml(t.title)}</h1>
<p>Version ${heading.version} · document ${escapeHtml(heading.id)} · stored ${escapeHtml(heading.createdAt)}</p>
${definitionTable(titleLines(report), 'title-page-details')}
</header>
${section('synopsis', '1. Synopsis', definitionTable(synopsisLines(report), 'synopsis-details'))}
${section('study-design', '2. Study design', designTables(report).map((x) => table(x)).join('\n'))}
${section('study-subjects', '3. Study subjects', subjectTables(report).map((x) => table(x)).join('\n'))}
${section('efficacy', '4. Efficacy', `<p>${escapeHtml(report.efficacy.primary_endpoint.description)}</p>\n${efficacyTables(report).map((x) => table(x)).join('\n')}\n<h3>Charts</h3>\n${charts(report)}`)}
${section('safety', '5. Safety', safetyTables(report).map((x) => table(x)).join('\n'))}
${section('data-quality', '6. Data quality', qualityTables(report).map((x) => table(x)).join('\n'))}
${section('appendices', 'Appendices: data listings', report.appendices.map((listing) => table(listingTable(listing))).join('\n'))}
</body>
</html>
`;
}
