import type { ScopeDescription } from '../../scope/analysis-scope.js';

/**
 * The clinical study report as stored (the `content` of a `documents` row), structured after ICH E3.
 * HTML and Markdown are rendered from this alone, so a stored version always renders the same.
 */
export interface CsrReport {
  format: 'csr/1';
  /** Some subject in scope was stored from a generated dataset: every format says so first. */
  synthetic: boolean;
  synthetic_notice: string | null;
  title_page: TitlePage;
  synopsis: Synopsis;
  study_design: StudyDesignSection;
  study_subjects: StudySubjects;
  efficacy: Efficacy;
  safety: Safety;
  data_quality: DataQuality;
  appendices: Listing[];
}

export interface TitlePage {
  title: string;
  protocol_id: string;
  study_title: string | null;
  study_status: string;
  generated_at: string;
  generated_by: string | null;
  software_version: string;
  /** null in a draft: what is not stored is not hashed. */
  data_sha256: string | null;
  /** How data_sha256 was computed ('csr-data-v1'); null in a draft, absent in versions stored before methods were named. */
  data_sha256_method?: string | null;
  scope: ScopeDescription;
  guideline: string;
}

export interface Synopsis {
  subjects_enrolled: number;
  subjects_randomized: number;
  arms: string[];
  primary_endpoint: string;
  primary_result: string;
  subjects_with_adverse_events: number;
  subjects_with_serious_adverse_events: number;
  open_queries: number;
}

export interface StudyDesignSection {
  arms: Array<{ code: string; ratio: number }>;
  /** e.g. "1:1" in arm order. */
  allocation_ratio: string;
  baseline_visit: string;
  reference_arm: string | null;
  visits: Array<{ name: string; order: number; planned_day: number | null; window_before: number; window_after: number; required: boolean }>;
}

/** Subjects by the arm they were assigned (null: none yet). */
export interface DispositionRow {
  arm: string | null;
  screened: number;
  enrolled: number;
  randomized: number;
  completed: number;
  withdrawn: number;
  ongoing: number;
}

export interface Summary {
  n: number;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
}

export interface DemographicsRow {
  /** null: every arm together. */
  arm: string | null;
  subjects: number;
  age: Summary;
  sex: { F: number; M: number; U: number; missing: number };
}

export interface StudySubjects {
  disposition: DispositionRow[];
  disposition_total: DispositionRow;
  demographics: DemographicsRow[];
}

/** A vital sign's values at one visit in one arm, with the 95% CI of the mean (t, n − 1). */
export interface VisitArmStatistics {
  visit: string;
  arm: string;
  n: number;
  mean: number | null;
  sd: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
  min: number | null;
  max: number | null;
  ci_lower: number | null;
  ci_upper: number | null;
}

export interface VitalSignTables {
  parameter: string;
  label: string;
  unit: string;
  values: VisitArmStatistics[];
  change_from_baseline: VisitArmStatistics[];
}

export interface Comparison {
  method: 'ANCOVA' | 'Welch';
  arm: string;
  reference_arm: string;
  difference: number | null;
  se: number | null;
  ci_lower: number | null;
  ci_upper: number | null;
  p_value: number | null;
  /** Why the figures are missing, in words. */
  not_computed: string | null;
}

export interface Efficacy {
  primary_endpoint: {
    description: string;
    parameter: 'systolic_bp';
    visit: string | null;
    baseline_visit: string;
    reference_arm: string | null;
    /** Change from baseline at the visit, by arm. */
    by_arm: VisitArmStatistics[];
    /** ANCOVA adjusted means per arm (at the overall mean baseline). */
    adjusted_means: Array<{ arm: string; mean: number | null; se: number | null }>;
    ancova: Comparison[];
    welch: Comparison[];
    ancova_f: { f: number | null; p_value: number | null } | null;
    not_computed: string | null;
  };
}

export interface AdverseEventOverviewRow {
  arm: string | null;
  subjects: number;
  with_any: number;
  serious: number;
  related: number;
  fatal: number;
  events: number;
}

export interface BodySystemRow {
  body_system: string;
  arm: string | null;
  subjects: number;
  events: number;
}

export interface NotableValueRow {
  criterion: string;
  arm: string | null;
  subjects: number;
  records: number;
}

export interface Safety {
  adverse_events_overview: AdverseEventOverviewRow[];
  adverse_events_by_body_system: BodySystemRow[];
  serious_events: Listing;
  deaths: Listing;
  vital_signs: VitalSignTables[];
  notable_values: { criteria: string[]; rows: NotableValueRow[] };
}

export interface QuerySiteRow {
  site_id: string | null;
  opened: number;
  answered: number;
  closed: number;
  cancelled: number;
  open: number;
}

export interface DataQuality {
  runs: { count: number; last_finished_at: string | null; rows_checked: number; findings_total: number; queries_opened: number };
  queries_by_site: QuerySiteRow[];
  queries_total: QuerySiteRow;
}

/** A bounded listing: the first rows, and how many there are. */
export interface Listing {
  name: string;
  columns: string[];
  rows: Array<Array<string | number | boolean | null>>;
  total: number;
  note: string | null;
}
