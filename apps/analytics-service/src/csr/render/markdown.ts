import type { CsrReport } from '../report/csr-report.js';
import { escapeMarkdown } from './escape.js';
import { designTables, efficacyTables, listingTable, qualityTables, safetyTables, subjectTables, synopsisLines, type Table, titleLines } from './sections.js';

function table(t: Table): string {
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  const lines = [`**${escapeMarkdown(t.caption)}**`, '', line(t.headers), `|${t.headers.map(() => '---').join('|')}|`, ...t.rows.map(line)];
  if (t.rows.length === 0) lines.push(`| ${t.headers.map((_, i) => (i === 0 ? '(none)' : '')).join(' | ')} |`);
  if (t.note) lines.push('', `_${escapeMarkdown(t.note)}_`);
  return lines.join('\n');
}

const definitions = (lines: Array<[string, string]>): string => lines.map(([key, value]) => `- **${key}:** ${escapeMarkdown(value)}`).join('\n');

export interface MarkdownOptions {
  /** The stored version rendered. */
  version?: number;
  /** Not stored: a draft of the current data. */
  draft?: boolean;
}

/** The report as Markdown; when synthetic, its first lines say so. */
export function renderMarkdown(report: CsrReport, options: MarkdownOptions = {}): string {
  const parts: string[] = [];
  if (report.synthetic) parts.push(`> **${escapeMarkdown(report.synthetic_notice)}**`);
  parts.push(`# ${escapeMarkdown(report.title_page.title)}`);
  parts.push(options.draft ? '_Draft of the current data: not stored._' : `_Version ${options.version ?? ''}_`);
  parts.push(definitions(titleLines(report)));
  parts.push('## 1. Synopsis', definitions(synopsisLines(report)));
  parts.push('## 2. Study design', ...designTables(report).map(table));
  parts.push('## 3. Study subjects', ...subjectTables(report).map(table));
  parts.push('## 4. Efficacy', escapeMarkdown(report.efficacy.primary_endpoint.description), ...efficacyTables(report).map(table));
  parts.push('## 5. Safety', ...safetyTables(report).map(table));
  parts.push('## 6. Data quality', ...qualityTables(report).map(table));
  parts.push('## Appendices: data listings', ...report.appendices.map((listing) => table(listingTable(listing))));
  return `${parts.join('\n\n')}\n`;
}
