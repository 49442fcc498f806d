/**
 * An edit check as a study's rule library holds it. Field names are store-vitals' (the names
 * sites send), so a rule reads the same in the API, in YAML and in a finding.
 */
export const RULE_SEVERITIES = ['critical', 'major', 'minor'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

export const RULE_TYPES = [
  'range',
  'comparison',
  'allowed_values',
  'pattern',
  'constant_within_subject',
  'required_visits',
  'visit_window',
  'unique',
  'change_from_previous',
  'outlier',
] as const;
export type RuleType = (typeof RULE_TYPES)[number];

export const NUMERIC_FIELDS = ['SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature', 'RespiratoryRate'] as const;
export type NumericField = (typeof NUMERIC_FIELDS)[number];

export const TEXT_FIELDS = ['SubjectID', 'VisitName', 'TreatmentArm', 'SiteID'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export const CHECKED_FIELDS = [...TEXT_FIELDS, 'VisitDate', ...NUMERIC_FIELDS] as const;
export type CheckedField = (typeof CHECKED_FIELDS)[number];

/** Rule ids: `VS001`, `BP-DELTA`, ... (upper-case letters, digits, `-`, `_`; 2 to 32 characters). */
export const RULE_ID_PATTERN = /^[A-Z][A-Z0-9_-]{1,31}$/;

interface RuleBase {
  id: string;
  type: RuleType;
  severity: RuleSeverity;
  /** What the site reads on the query. */
  message: string;
  description?: string;
  /** A disabled rule stays in the library (and its history) but checks nothing. */
  enabled: boolean;
  /**
   * Hard: at capture the record is refused with the message. Soft (default): it is stored and a
   * query is opened. A range rule's hard limits are `hard_min`/`hard_max` instead.
   */
  hard: boolean;
}

/** Outside `min`..`max` (soft): a query; outside `hard_min`..`hard_max`: refused at capture. */
export interface RangeRule extends RuleBase {
  type: 'range';
  field: NumericField;
  min?: number;
  max?: number;
  hard_min?: number;
  hard_max?: number;
}

export const COMPARISON_OPERATORS = ['>=', '>', '<=', '<', '=', '!='] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** `left operator right + offset` must hold, e.g. SystolicBP >= DiastolicBP + 5. */
export interface ComparisonRule extends RuleBase {
  type: 'comparison';
  left: NumericField;
  operator: ComparisonOperator;
  right: NumericField;
  offset: number;
}

/** Where a list of allowed values or a pattern comes from when the rule does not spell it out. */
export const STUDY_SOURCES = ['study_visits', 'study_arms', 'study_sites', 'study_subject_id_format'] as const;
export type StudySource = (typeof STUDY_SOURCES)[number];

/** The value must be one of `values`, or of the study's visits, arms or sites (`from`). */
export interface AllowedValuesRule extends RuleBase {
  type: 'allowed_values';
  field: TextField;
  values?: string[];
  from?: Exclude<StudySource, 'study_subject_id_format'>;
}

/** The value must match `regex` (whole value), or the study's subject id format (`from`). */
export interface PatternRule extends RuleBase {
  type: 'pattern';
  field: TextField;
  regex?: string;
  from?: 'study_subject_id_format';
}

/** Every record of a subject has the same value (e.g. the treatment arm). */
export interface ConstantWithinSubjectRule extends RuleBase {
  type: 'constant_within_subject';
  field: TextField;
}

/**
 * The subject has each required visit (`visits`, or the schedule's required visits): a visit is
 * missing when a later scheduled visit of the subject has data, or the subject completed the study.
 */
export interface RequiredVisitsRule extends RuleBase {
  type: 'required_visits';
  visits?: string[];
}

/**
 * The visit date falls inside its window (planned day minus window before to planned day plus
 * window after), counted from study day 1: the subject's earliest baseline visit date.
 */
export interface VisitWindowRule extends RuleBase {
  type: 'visit_window';
}

/** No two records share the values of `fields` (e.g. SubjectID + VisitName); the later ones are flagged. */
export interface UniqueRule extends RuleBase {
  type: 'unique';
  fields: TextField[];
}

/** Between a subject's consecutive visits (schedule order), the value moves by at most `max_change`. */
export interface ChangeFromPreviousRule extends RuleBase {
  type: 'change_from_previous';
  field: NumericField;
  max_change: number;
}

export const OUTLIER_METHODS = ['sd', 'iqr'] as const;
export type OutlierMethod = (typeof OUTLIER_METHODS)[number];

/**
 * Within each arm and visit: more than `k` SDs from the mean (`sd`), or outside Q1 - k·IQR ..
 * Q3 + k·IQR (`iqr`); groups smaller than `min_group_size` are not judged.
 */
export interface OutlierRule extends RuleBase {
  type: 'outlier';
  field: NumericField;
  method: OutlierMethod;
  k: number;
  min_group_size: number;
}

export type Rule =
  | RangeRule
  | ComparisonRule
  | AllowedValuesRule
  | PatternRule
  | ConstantWithinSubjectRule
  | RequiredVisitsRule
  | VisitWindowRule
  | UniqueRule
  | ChangeFromPreviousRule
  | OutlierRule;

/** A study's rule library at one version; version 0 is the default library, never edited. */
export interface RuleLibrary {
  protocolId: string;
  version: number;
  rules: Rule[];
}

/** One rule failed by one data point (or, for a missing visit, by a subject). */
export interface Finding {
  rule_id: string;
  severity: RuleSeverity;
  /** A hard finding refuses the record at capture. */
  hard: boolean;
  protocol_id: string;
  site_id: string | null;
  subject_id: string;
  visit_name: string | null;
  field: CheckedField | null;
  /** The value as text (null for a missing visit). */
  value: string | null;
  message: string;
  /** Stored data: the vital sign the finding is on (null for a missing visit). */
  vital_sign_id?: string | null;
  /** A supplied batch: the record's position in it. */
  index?: number | null;
}
