import { fixed, pValue } from '../report/numbers.js';
import type { Comparison, CsrReport, Summary, VisitArmStatistics } from '../report/csr-report.js';

/**
 * The report's tables as header and rows of plain text, shared by the HTML and Markdown renderers
 * (each escapes the text its own way), so both formats always show the same numbers.
 */
export interface Table {
  caption: string;
  headers: string[];
  rows: string[][];
  note?: string | null;
}

export const NO_ARM = 'Not assigned';
const armName = (arm: string | null): string => arm ?? NO_ARM;
const mean = (summary: Summary): string => (summary.n === 0 ? 'n/a' : `${fixed(summary.mean, 1)} (${fixed(summary.sd, 1)})`);

export function designTables(report: CsrReport): Table[] {
  const design = report.study_design;
  return [
    {
      caption: `Treatment arms (allocation ${design.allocation_ratio}; reference arm ${design.reference_arm ?? 'none'})`,
      headers: ['Arm', 'Allocation ratio'],
      rows: design.arms.map((arm) => [arm.code, String(arm.ratio)]),
    },
    {
      caption: `Visit schedule (baseline visit: ${design.baseline_visit})`,
      headers: ['Visit', 'Order', 'Planned day', 'Window before (days)', 'Window after (days)', 'Required'],
      rows: design.visits.map((visit) => [visit.name, String(visit.order), visit.planned_day === null ? '' : String(visit.planned_day), String(visit.window_before), String(visit.window_after), visit.required ? 'yes' : 'no']),
    },
  ];
}

export function subjectTables(report: CsrReport): Table[] {
  const { disposition, disposition_total: total, demographics } = report.study_subjects;
  const counts = (row: typeof total) => [row.screened, row.enrolled, row.randomized, row.completed, row.withdrawn, row.ongoing].map(String);
  return [
    {
      caption: 'Disposition of subjects by arm',
      headers: ['Arm', 'Screened', 'Enrolled', 'Randomized', 'Completed', 'Withdrawn', 'Ongoing'],
      rows: [...disposition.map((row) => [armName(row.arm), ...counts(row)]), ['Total', ...counts(total)]],
    },
    {
      caption: 'Demographics of enrolled subjects by arm (age in years at consent)',
      headers: ['Arm', 'Subjects', 'Age n', 'Age mean (SD)', 'Age min', 'Age max', 'Female', 'Male', 'Sex unknown', 'Sex missing'],
      rows: demographics.map((row) => [
        row.arm === null ? 'Total' : row.arm,
        String(row.subjects),
        String(row.age.n),
        mean(row.age),
        fixed(row.age.min, 0),
        fixed(row.age.max, 0),
        String(row.sex.F),
        String(row.sex.M),
        String(row.sex.U),
        String(row.sex.missing),
      ]),
    },
  ];
}

const statisticsRow = (cell: VisitArmStatistics): string[] => [
  cell.visit,
  cell.arm,
  String(cell.n),
  fixed(cell.mean),
  fixed(cell.sd),
  fixed(cell.ci_lower),
  fixed(cell.ci_upper),
  fixed(cell.median),
  fixed(cell.q1),
  fixed(cell.q3),
  fixed(cell.min),
  fixed(cell.max),
];
export const STATISTICS_HEADERS = ['Visit', 'Arm', 'n', 'Mean', 'SD', '95% CI lower', '95% CI upper', 'Median', 'Q1', 'Q3', 'Min', 'Max'];

const comparisonRow = (c: Comparison): string[] => [c.method, `${c.arm} − ${c.reference_arm}`, fixed(c.difference), fixed(c.se), fixed(c.ci_lower), fixed(c.ci_upper), pValue(c.p_value), c.not_computed ?? ''];

export function efficacyTables(report: CsrReport): Table[] {
  const primary = report.efficacy.primary_endpoint;
  return [
    { caption: `Change from baseline in systolic BP at ${primary.visit ?? 'the last visit'} by arm (mmHg)`, headers: STATISTICS_HEADERS, rows: primary.by_arm.map(statisticsRow) },
    {
      caption: 'ANCOVA adjusted means (change from baseline at the overall mean baseline)',
      headers: ['Arm', 'Adjusted mean', 'SE'],
      rows: primary.adjusted_means.map((m) => [m.arm, fixed(m.mean), fixed(m.se)]),
    },
    {
      caption: `Comparisons with the reference arm (${primary.reference_arm ?? 'none'})`,
      headers: ['Method', 'Comparison', 'Difference', 'SE', '95% CI lower', '95% CI upper', 'p-value', 'Note'],
      rows: [...primary.ancova, ...primary.welch].map(comparisonRow),
      note: primary.ancova_f ? `ANCOVA overall test of arm: F = ${fixed(primary.ancova_f.f, 3)}, p = ${pValue(primary.ancova_f.p_value)}` : primary.not_computed,
    },
  ];
}

export function safetyTables(report: CsrReport): Table[] {
  const safety = report.safety;
  return [
    {
      caption: 'Adverse events overview by arm (subjects; events)',
      headers: ['Arm', 'Subjects', 'Any AE', 'Serious', 'Related', 'Fatal', 'Events'],
      rows: safety.adverse_events_overview.map((row) => [armName(row.arm), ...[row.subjects, row.with_any, row.serious, row.related, row.fatal, row.events].map(String)]),
    },
    {
      caption: 'Adverse events by body system and arm',
      headers: ['Body system', 'Arm', 'Subjects', 'Events'],
      rows: safety.adverse_events_by_body_system.map((row) => [row.body_system, armName(row.arm), String(row.subjects), String(row.events)]),
    },
    listingTable(safety.serious_events),
    listingTable(safety.deaths),
    ...safety.vital_signs.flatMap((vital) => [
      { caption: `${vital.label} (${vital.unit}) by visit and arm`, headers: STATISTICS_HEADERS, rows: vital.values.map(statisticsRow) },
      { caption: `${vital.label} (${vital.unit}): change from baseline`, headers: STATISTICS_HEADERS, rows: vital.change_from_baseline.map(statisticsRow) },
    ]),
    {
      caption: 'Notable vital-sign values by arm',
      headers: ['Criterion', 'Arm', 'Subjects', 'Records'],
      rows: safety.notable_values.rows.map((row) => [row.criterion, armName(row.arm), String(row.subjects), String(row.records)]),
    },
  ];
}

export function qualityTables(report: CsrReport): Table[] {
  const quality = report.data_quality;
  const counts = (row: typeof quality.queries_total) => [row.opened, row.answered, row.closed, row.cancelled, row.open].map(String);
  return [
    {
      caption: 'Edit-check runs',
      headers: ['Runs', 'Last finished', 'Rows checked', 'Findings', 'Queries opened by runs'],
      rows: [[String(quality.runs.count), quality.runs.last_finished_at ?? '', String(quality.runs.rows_checked), String(quality.runs.findings_total), String(quality.runs.queries_opened)]],
    },
    {
      caption: 'Data queries by site',
      headers: ['Site', 'Opened', 'Answered', 'Closed', 'Cancelled', 'Open'],
      rows: [...quality.queries_by_site.map((row) => [row.site_id ?? '(none)', ...counts(row)]), ['Total', ...counts(quality.queries_total)]],
    },
  ];
}

export function listingTable(listing: CsrReport['appendices'][number]): Table {
  return {
    caption: `${listing.name} (${listing.rows.length} of ${listing.total})`,
    headers: listing.columns,
    rows: listing.rows.map((row) => row.map((value) => (value === null ? '' : String(value)))),
    note: listing.note,
  };
}

export function synopsisLines(report: CsrReport): Array<[string, string]> {
  const s = report.synopsis;
  return [
    ['Subjects enrolled', String(s.subjects_enrolled)],
    ['Subjects randomized', String(s.subjects_randomized)],
    ['Arms', s.arms.join(', ')],
    ['Primary endpoint', s.primary_endpoint],
    ['Primary result', s.primary_result],
    ['Subjects with adverse events', String(s.subjects_with_adverse_events)],
    ['Subjects with serious adverse events', String(s.subjects_with_serious_adverse_events)],
    ['Open data queries', String(s.open_queries)],
  ];
}

function dataHashLine(t: CsrReport['title_page']): string {
  if (t.data_sha256 === null) return 'not computed (a draft: nothing is stored)';
  return t.data_sha256_method ? `${t.data_sha256} (${t.data_sha256_method})` : t.data_sha256;
}

export function titleLines(report: CsrReport): Array<[string, string]> {
  const t = report.title_page;
  const sites = t.scope.sites === 'all' ? 'all sites' : t.scope.sites.join(', ');
  return [
    ['Protocol', t.protocol_id],
    ['Study title', t.study_title ?? ''],
    ['Study status', t.study_status],
    ['Scope', `${sites}${t.scope.dataset_id ? `; dataset ${t.scope.dataset_id}` : ''}${t.scope.note ? ` (${t.scope.note})` : ''}`],
    ['Generated', `${t.generated_at}${t.generated_by ? ` by ${t.generated_by}` : ''}`],
    ['Software version', t.software_version],
    ['Data SHA-256', dataHashLine(t)],
    ['Guideline', t.guideline],
  ];
}
