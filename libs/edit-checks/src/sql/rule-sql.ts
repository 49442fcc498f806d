import type {
  AllowedValuesRule,
  ChangeFromPreviousRule,
  ComparisonOperator,
  ComparisonRule,
  ConstantWithinSubjectRule,
  OutlierRule,
  PatternRule,
  RangeRule,
  RequiredVisitsRule,
  Rule,
  UniqueRule,
} from '../rule.js';
import { column, numericText, RECORD_ORDER, textValue } from './checked-columns.js';
import type { SqlParams } from './sql-params.js';

/**
 * Each rule type as one SELECT over `checked_vitals` (alias `cv`) and `checked_studies`, giving
 * finding rows in FINDING_COLUMNS' order, limited to one study (`protocol`, a bound parameter).
 */
export function ruleSql(rule: Rule, protocol: string, params: SqlParams): string {
  const finding = new FindingColumns(rule, params);
  switch (rule.type) {
    case 'range':
      return rangeSql(rule, protocol, params, finding);
    case 'comparison':
      return comparisonSql(rule, protocol, params, finding);
    case 'allowed_values':
      return allowedValuesSql(rule, protocol, params, finding);
    case 'pattern':
      return patternSql(rule, protocol, params, finding);
    case 'constant_within_subject':
      return constantSql(rule, protocol, finding);
    case 'required_visits':
      return requiredVisitsSql(rule, protocol, params, finding);
    case 'visit_window':
      return visitWindowSql(protocol, finding);
    case 'unique':
      return uniqueSql(rule, protocol, finding);
    case 'change_from_previous':
      return changeSql(rule, protocol, params, finding);
    case 'outlier':
      return outlierSql(rule, protocol, params, finding);
  }
}

/** The select list of a finding on a record `cv`, with the rule's id, severity and message bound. */
class FindingColumns {
  private readonly id: string;
  private readonly severity: string;
  private readonly message: string;

  constructor(private readonly rule: Rule, private readonly params: SqlParams) {
    this.id = params.add(rule.id, 'text');
    this.severity = params.add(rule.severity, 'text');
    this.message = params.add(rule.message, 'text');
  }

  onRecord(field: string, value: string, hard: string = this.params.add(this.rule.hard, 'boolean')): string {
    return `${this.id} AS rule_id, ${this.severity} AS severity, ${hard} AS hard, cv.protocol_id, cv.site_id, cv.subject_id,
            cv.patient_id, cv.vital_sign_id, cv.row_index, cv.visit_name, ${this.params.add(field, 'text')} AS field,
            ${value} AS value, ${this.message} AS message`;
  }

  /** A finding on a subject's missing visit: no record, no value. */
  onMissingVisit(): string {
    return `${this.id} AS rule_id, ${this.severity} AS severity, ${this.params.add(this.rule.hard, 'boolean')} AS hard,
            m.protocol_id, m.site_id, m.subject_id, m.patient_id, NULL::uuid AS vital_sign_id, NULL::integer AS row_index,
            m.visit_name, 'VisitName'::text AS field, NULL::text AS value, ${this.message} AS message`;
  }
}

function rangeSql(rule: RangeRule, protocol: string, params: SqlParams, finding: FindingColumns): string {
  const value = column(rule.field);
  const outside = (min: number | undefined, max: number | undefined): string[] => [
    ...(min === undefined ? [] : [`${value} < ${params.add(min, 'numeric')}`]),
    ...(max === undefined ? [] : [`${value} > ${params.add(max, 'numeric')}`]),
  ];
  const soft = outside(rule.min, rule.max);
  const hard = outside(rule.hard_min, rule.hard_max);
  if (soft.length + hard.length === 0) return nothing(protocol, finding, rule.field);
  const hardOutside = hard.length === 0 ? 'false' : `(${hard.join(' OR ')})`;
  return `
    SELECT ${finding.onRecord(rule.field, numericText(rule.field), hardOutside)}
      FROM checked_vitals cv
     WHERE cv.protocol_id = ${protocol} AND ${value} IS NOT NULL AND (${[...soft, ...hard].join(' OR ')})`;
}

const OPERATORS: Readonly<Record<ComparisonOperator, string>> = { '>=': '>=', '>': '>', '<=': '<=', '<': '<', '=': '=', '!=': '<>' };

function comparisonSql(rule: ComparisonRule, protocol: string, params: SqlParams, finding: FindingColumns): string {
  const operator = OPERATORS[rule.operator];
  if (!operator) throw new Error(`unknown operator ${String(rule.operator)}`);
  const left = column(rule.left);
  const right = column(rule.right);
  return `
    SELECT ${finding.onRecord(rule.left, numericText(rule.left))}
      FROM checked_vitals cv
     WHERE cv.protocol_id = ${protocol} AND ${left} IS NOT NULL AND ${right} IS NOT NULL
       AND NOT (${left} ${operator} ${right} + ${params.add(rule.offset ?? 0, 'numeric')})`;
}

/** A study's list for `from`, and when the study lets values outside it in (or lists none), no check. */
const STUDY_LISTS = {
  study_visits: { list: 'SELECT visit_name FROM edc_study_visits', column: 'visit_name', open: 'allow_unscheduled_visits' },
  study_arms: { list: 'SELECT arm_code FROM edc_study_arms', column: 'arm_code', open: 'allow_unlisted_arms' },
  study_sites: { list: 'SELECT site_id FROM edc_study_sites', column: 'site_id', open: 'allow_new_sites' },
} as const;

function allowedValuesSql(rule: AllowedValuesRule, protocol: string, params: SqlParams, finding: FindingColumns): string {
  const value = column(rule.field);
  if (rule.values !== undefined) {
    return `
      SELECT ${finding.onRecord(rule.field, value)}
        FROM checked_vitals cv
       WHERE cv.protocol_id = ${protocol} AND ${value} IS NOT NULL AND NOT (${value} = ANY(${params.add(rule.values, 'text[]')}))`;
  }
  const source = rule.from ? STUDY_LISTS[rule.from] : undefined;
  if (!source) return nothing(protocol, finding, rule.field);
  const listed = `${source.list} l WHERE l.protocol_id = cv.protocol_id`;
  return `
    SELECT ${finding.onRecord(rule.field, value)}
      FROM checked_vitals cv
      JOIN checked_studies st ON st.protocol_id = cv.protocol_id AND NOT st.${source.open}
     WHERE cv.protocol_id = ${protocol} AND ${value} IS NOT NULL
       AND EXISTS (${listed})
       AND NOT EXISTS (${listed} AND l.${source.column} = ${value})`;
}

/**
 * A subject id format as an anchored regular expression: `.` escaped (the only special character
 * a format's literal part can hold), `{seq:N}` at least N digits, `{seq}` digits, `{site}` the
 * site id with every character other than a letter or digit escaped. Made once per study and site
 * (`st`, `sites`), not per record.
 */
const FORMAT_REGEX = `
  '^' || replace(
           regexp_replace(regexp_replace(replace(st.subject_id_format, '.', '\\.'), '\\{seq:([1-9])\\}', '[0-9]{\\1,}', 'g'),
                          '\\{seq\\}', '[0-9]+', 'g'),
           '{site}', regexp_replace(sites.site, '([^A-Za-z0-9])', '\\\\\\1', 'g'))
  || '$'`;

function patternSql(rule: PatternRule, protocol: string, params: SqlParams, finding: FindingColumns): string {
  const value = column(rule.field);
  if (rule.regex !== undefined) {
    return `
      SELECT ${finding.onRecord(rule.field, value)}
        FROM checked_vitals cv
       WHERE cv.protocol_id = ${protocol} AND ${value} IS NOT NULL AND ${value} !~ ${params.add(`^(?:${rule.regex})$`, 'text')}`;
  }
  if (rule.from !== 'study_subject_id_format') return nothing(protocol, finding, rule.field);
  // Materialized: otherwise the planner builds the expression again for every record.
  return `
    WITH formats AS MATERIALIZED (
      SELECT sites.site, ${FORMAT_REGEX} AS pattern
        FROM (SELECT DISTINCT coalesce(cv.site_id, '') AS site FROM checked_vitals cv WHERE cv.protocol_id = ${protocol}) sites
        JOIN checked_studies st ON st.protocol_id = ${protocol} AND st.subject_id_format IS NOT NULL)
    SELECT ${finding.onRecord(rule.field, value)}
      FROM checked_vitals cv
      JOIN formats ON formats.site = coalesce(cv.site_id, '')
     WHERE cv.protocol_id = ${protocol} AND ${value} IS NOT NULL AND ${value} !~ formats.pattern`;
}

function constantSql(rule: ConstantWithinSubjectRule, protocol: string, finding: FindingColumns): string {
  const value = column(rule.field);
  return `
    SELECT ${finding.onRecord(rule.field, value)}
      FROM (SELECT cv.*, first_value(${value}) OVER (PARTITION BY cv.subject_id ORDER BY ${RECORD_ORDER}) AS first_value
              FROM checked_vitals cv WHERE cv.protocol_id = ${protocol}) cv
     WHERE ${value} IS NOT NULL AND cv.first_value IS NOT NULL AND ${value} <> cv.first_value`;
}

/**
 * The required visits in schedule order (the study's visit order; without a schedule, the order the
 * rule lists them in). A subject misses one when it has data at a later visit, or completed the study.
 */
function requiredVisitsSql(rule: RequiredVisitsRule, protocol: string, params: SqlParams, finding: FindingColumns): string {
  const schedule = `SELECT visit_name::text AS visit_name, display_order::integer AS ord, required FROM edc_study_visits WHERE protocol_id = ${protocol}`;
  const visits =
    rule.visits !== undefined
      ? `SELECT u.visit_name, coalesce(s.ord, CASE WHEN EXISTS (${schedule}) THEN NULL ELSE u.position::integer END) AS ord
           FROM unnest(${params.add(rule.visits, 'text[]')}) WITH ORDINALITY AS u(visit_name, position)
           LEFT JOIN (${schedule}) s ON s.visit_name = u.visit_name`
      : `SELECT s.visit_name, s.ord FROM (${schedule}) s WHERE s.required`;
  return `
    WITH required_visits AS (${visits}),
         visit_order AS (SELECT visit_name, ord FROM (${schedule}) s UNION ALL
                         SELECT visit_name, ord FROM required_visits r WHERE NOT EXISTS (${schedule})),
         subjects AS (
           SELECT cv.protocol_id, cv.subject_id, max(cv.site_id) AS site_id, (array_agg(cv.patient_id))[1] AS patient_id,
                  max(o.ord) AS last_ord, array_agg(DISTINCT cv.visit_name) AS visits
             FROM checked_vitals cv LEFT JOIN visit_order o ON o.visit_name = cv.visit_name
            WHERE cv.protocol_id = ${protocol}
            GROUP BY cv.protocol_id, cv.subject_id),
         m AS (
           SELECT su.protocol_id, coalesce(su.site_id, es.site_id::text) AS site_id, su.subject_id,
                  coalesce(su.patient_id, es.patient_id) AS patient_id, r.visit_name, r.ord
             FROM subjects su
             LEFT JOIN edc_subjects es ON es.protocol_id = su.protocol_id AND es.subject_number = su.subject_id
                                      AND (su.site_id IS NULL OR es.site_id = su.site_id)
             CROSS JOIN required_visits r
            WHERE NOT (r.visit_name = ANY(su.visits))
              AND ((r.ord IS NOT NULL AND su.last_ord > r.ord) OR es.status = 'completed'))
    SELECT ${finding.onMissingVisit()} FROM m`;
}

/** Study day 1 is the subject's earliest baseline-visit date; there is no day 0. Without that date, no check. */
function visitWindowSql(protocol: string, finding: FindingColumns): string {
  return `
    SELECT ${finding.onRecord('VisitDate', textValue('VisitDate'))}
      FROM (SELECT cv.*, min(cv.visit_date) FILTER (WHERE cv.visit_name = st.baseline_visit)
                           OVER (PARTITION BY cv.subject_id) AS anchor
              FROM checked_vitals cv JOIN checked_studies st ON st.protocol_id = cv.protocol_id
             WHERE cv.protocol_id = ${protocol} AND st.baseline_visit IS NOT NULL) cv
      JOIN edc_study_visits sv ON sv.protocol_id = cv.protocol_id AND sv.visit_name = cv.visit_name
     WHERE cv.visit_date IS NOT NULL AND cv.anchor IS NOT NULL
       AND (CASE WHEN cv.visit_date >= cv.anchor THEN cv.visit_date - cv.anchor + 1 ELSE cv.visit_date - cv.anchor END)
           NOT BETWEEN sv.planned_day - sv.window_before AND sv.planned_day + sv.window_after`;
}

/** Every record after the first (by measurement time, then key) sharing the values of the fields; the finding names the last field. */
function uniqueSql(rule: UniqueRule, protocol: string, finding: FindingColumns): string {
  if (rule.fields.length === 0) return nothing(protocol, finding, 'SubjectID');
  const flagged = rule.fields[rule.fields.length - 1];
  return `
    SELECT ${finding.onRecord(flagged, textValue(flagged))}
      FROM (SELECT cv.*, row_number() OVER (PARTITION BY ${rule.fields.map(column).join(', ')} ORDER BY ${RECORD_ORDER}) AS place
              FROM checked_vitals cv WHERE cv.protocol_id = ${protocol}) cv
     WHERE cv.place > 1`;
}

/**
 * Consecutive visits of a subject in schedule order (records of visits outside the schedule are not
 * compared); a study without a schedule orders them by visit date. A change of exactly max_change passes.
 */
function changeSql(rule: ChangeFromPreviousRule, protocol: string, params: SqlParams, finding: FindingColumns): string {
  const value = column(rule.field);
  return `
    SELECT ${finding.onRecord(rule.field, numericText(rule.field))}
      FROM (SELECT cv.*, lag(${value}) OVER (PARTITION BY cv.subject_id
                                            ORDER BY sv.display_order, cv.visit_date NULLS LAST, ${RECORD_ORDER}) AS previous
              FROM checked_vitals cv
              LEFT JOIN edc_study_visits sv ON sv.protocol_id = cv.protocol_id AND sv.visit_name = cv.visit_name
             WHERE cv.protocol_id = ${protocol} AND ${value} IS NOT NULL
               AND (sv.visit_name IS NOT NULL OR NOT EXISTS (SELECT 1 FROM edc_study_visits s WHERE s.protocol_id = cv.protocol_id))) cv
     WHERE cv.previous IS NOT NULL AND abs(${value} - cv.previous) > ${params.add(rule.max_change, 'numeric')}`;
}

/** Within each arm and visit of at least min_group_size values: beyond k SDs of the mean, or the IQR fences. */
function outlierSql(rule: OutlierRule, protocol: string, params: SqlParams, finding: FindingColumns): string {
  const value = column(rule.field);
  const k = params.add(rule.k, 'numeric');
  const stats =
    rule.method === 'sd'
      ? `avg(${value}) - ${k} * stddev_samp(${value}) AS low, avg(${value}) + ${k} * stddev_samp(${value}) AS high`
      : `(percentile_cont(0.25) WITHIN GROUP (ORDER BY ${value}) - ${k} * (percentile_cont(0.75) WITHIN GROUP (ORDER BY ${value})
            - percentile_cont(0.25) WITHIN GROUP (ORDER BY ${value})))::numeric AS low,
         (percentile_cont(0.75) WITHIN GROUP (ORDER BY ${value}) + ${k} * (percentile_cont(0.75) WITHIN GROUP (ORDER BY ${value})
            - percentile_cont(0.25) WITHIN GROUP (ORDER BY ${value})))::numeric AS high`;
  return `
    SELECT ${finding.onRecord(rule.field, numericText(rule.field))}
      FROM checked_vitals cv
      JOIN (SELECT cv.arm, cv.visit_name, ${stats}
              FROM checked_vitals cv
             WHERE cv.protocol_id = ${protocol} AND ${value} IS NOT NULL
             GROUP BY cv.arm, cv.visit_name
            HAVING count(*) >= ${params.add(rule.min_group_size, 'integer')}) g
        ON g.arm IS NOT DISTINCT FROM cv.arm AND g.visit_name = cv.visit_name
     WHERE cv.protocol_id = ${protocol} AND ${value} IS NOT NULL AND (${value} < g.low OR ${value} > g.high)`;
}

/** A rule with nothing to check (no limits given): a SELECT of the right shape and no rows. */
function nothing(protocol: string, finding: FindingColumns, field: string): string {
  return `SELECT ${finding.onRecord(field, 'NULL::text')} FROM checked_vitals cv WHERE cv.protocol_id = ${protocol} AND false`;
}
