import type { CsrReport, VisitArmStatistics } from '../report/csr-report.js';

const cell = (visit: string, arm: string, mean: number, half: number): VisitArmStatistics => ({
  visit,
  arm,
  n: 10,
  mean,
  sd: 5,
  median: mean + 0.5,
  q1: mean - 3,
  q3: mean + 3,
  min: mean - 9,
  max: mean + 8,
  ci_lower: mean - half,
  ci_upper: mean + half,
});

/** A small report with text that must be escaped, for the renderers' specs. */
export function reportFixture(overrides: Partial<CsrReport> = {}): CsrReport {
  return {
    format: 'csr/1',
    synthetic: false,
    synthetic_notice: null,
    title_page: {
      title: 'Trial <script>alert(1)</script> & "report"',
      protocol_id: 'RA001',
      study_title: 'Hypertension | phase 2',
      study_status: 'enrolling',
      generated_at: '2026-11-26T10:00:00.000Z',
      generated_by: 'stat_one',
      software_version: '0.1.0',
      data_sha256: 'a'.repeat(64),
      scope: { study: 'RA001', sites: 'all', dataset_id: null, site_limited: false, note: null },
      guideline: 'Structured after ICH E3',
    },
    synopsis: {
      subjects_enrolled: 20,
      subjects_randomized: 20,
      arms: ['Active', 'Placebo'],
      primary_endpoint: 'Change from baseline in systolic BP at Week 12',
      primary_result: 'Active vs Placebo: -7.00',
      subjects_with_adverse_events: 3,
      subjects_with_serious_adverse_events: 1,
      open_queries: 2,
    },
    study_design: {
      arms: [{ code: 'Active', ratio: 1 }, { code: 'Placebo', ratio: 1 }],
      allocation_ratio: '1:1',
      baseline_visit: 'Day 1',
      reference_arm: 'Placebo',
      visits: [
        { name: 'Day 1', order: 1, planned_day: 1, window_before: 0, window_after: 0, required: true },
        { name: 'Week 12', order: 2, planned_day: 85, window_before: 7, window_after: 7, required: true },
      ],
    },
    study_subjects: {
      disposition: [
        { arm: 'Active', screened: 10, enrolled: 10, randomized: 10, completed: 8, withdrawn: 2, ongoing: 0 },
        { arm: 'Placebo', screened: 10, enrolled: 10, randomized: 10, completed: 9, withdrawn: 1, ongoing: 0 },
      ],
      disposition_total: { arm: null, screened: 20, enrolled: 20, randomized: 20, completed: 17, withdrawn: 3, ongoing: 0 },
      demographics: [{ arm: null, subjects: 20, age: { n: 20, mean: 50.25, sd: 9.5, min: 30, max: 70 }, sex: { F: 11, M: 9, U: 0, missing: 0 } }],
    },
    efficacy: {
      primary_endpoint: {
        description: 'Change from baseline (Day 1) in systolic blood pressure at the last scheduled visit (Week 12)',
        parameter: 'systolic_bp',
        visit: 'Week 12',
        baseline_visit: 'Day 1',
        reference_arm: 'Placebo',
        by_arm: [cell('Week 12', 'Active', -10, 2.5), cell('Week 12', 'Placebo', -3, 2.25)],
        adjusted_means: [{ arm: 'Active', mean: -10.1, se: 1.1 }, { arm: 'Placebo', mean: -2.9, se: 1.2 }],
        ancova: [{ method: 'ANCOVA', arm: 'Active', reference_arm: 'Placebo', difference: -7.2, se: 1.6, ci_lower: -10.5, ci_upper: -3.9, p_value: 0.00012, not_computed: null }],
        welch: [{ method: 'Welch', arm: 'Active', reference_arm: 'Placebo', difference: -7, se: 1.7, ci_lower: -10.6, ci_upper: -3.4, p_value: 0.0008, not_computed: null }],
        ancova_f: { f: 20.25, p_value: 0.00012 },
        not_computed: null,
      },
    },
    safety: {
      adverse_events_overview: [{ arm: 'Active', subjects: 10, with_any: 2, serious: 1, related: 1, fatal: 0, events: 3 }],
      adverse_events_by_body_system: [{ body_system: 'Nervous system disorders', arm: 'Active', subjects: 2, events: 3 }],
      serious_events: { name: 'Serious adverse events', columns: ['subject', 'term'], rows: [['RA001-001', 'Stroke <img src=x onerror=alert(1)>']], total: 1, note: null },
      deaths: { name: 'Deaths', columns: ['subject', 'term'], rows: [], total: 0, note: null },
      vital_signs: [
        {
          parameter: 'systolic_bp',
          label: 'Systolic blood pressure',
          unit: 'mmHg',
          values: [cell('Day 1', 'Active', 140.25, 3), cell('Day 1', 'Placebo', 141, 3), cell('Week 12', 'Active', 130.04, 3.5), cell('Week 12', 'Placebo', 138, 3)],
          change_from_baseline: [cell('Week 12', 'Active', -10, 2.5), cell('Week 12', 'Placebo', -3, 2.25)],
        },
      ],
      notable_values: { criteria: ['Systolic BP >= 180 mmHg'], rows: [{ criterion: 'Systolic BP >= 180 mmHg', arm: 'Active', subjects: 1, records: 2 }] },
    },
    data_quality: {
      runs: { count: 1, last_finished_at: '2026-11-26T09:00:00Z', rows_checked: 80, findings_total: 4, queries_opened: 3 },
      queries_by_site: [{ site_id: 'S01', opened: 3, answered: 1, closed: 1, cancelled: 0, open: 2 }],
      queries_total: { site_id: null, opened: 3, answered: 1, closed: 1, cancelled: 0, open: 2 },
    },
    appendices: [{ name: 'Subjects', columns: ['subject', 'site'], rows: [['RA001-001', 'S01']], total: 120, note: 'The first 1 of 120 rows' }],
    ...overrides,
  };
}
