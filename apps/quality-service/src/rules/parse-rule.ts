import {
  COMPARISON_OPERATORS,
  NUMERIC_FIELDS,
  OUTLIER_METHODS,
  RULE_ID_PATTERN,
  RULE_SEVERITIES,
  RULE_TYPES,
  TEXT_FIELDS,
  type NumericField,
  type Rule,
  type RuleType,
  type StudySource,
  type TextField,
} from '../../../../libs/edit-checks/src/index.js';
import { RuleDefinitionError, RuleProblems } from './rule-definition-error.js';
import { patternProblems } from './rule-pattern.js';
import { isPlainObject, RuleReader, shorten } from './rule-reader.js';

export const MAX_MESSAGE_LENGTH = 500;
const MAX_DESCRIPTION_LENGTH = 2000;
const MAX_LISTED_VALUES = 500;
const MAX_VALUE_LENGTH = 100;
/** The default `k` of an outlier rule: 3 standard deviations, or Tukey's 1.5 IQR fences. */
export const DEFAULT_OUTLIER_K = { sd: 3, iqr: 1.5 } as const;
export const DEFAULT_MIN_GROUP_SIZE = 10;

const BASE_FIELDS = ['id', 'type', 'severity', 'message', 'description', 'enabled', 'hard'] as const;

/** The fields each type takes besides the base ones, in the order a rule is written out. */
export const TYPE_FIELDS: Readonly<Record<RuleType, readonly string[]>> = {
  range: ['field', 'min', 'max', 'hard_min', 'hard_max'],
  comparison: ['left', 'operator', 'right', 'offset'],
  allowed_values: ['field', 'values', 'from'],
  pattern: ['field', 'regex', 'from'],
  constant_within_subject: ['field'],
  required_visits: ['visits'],
  visit_window: [],
  unique: ['fields'],
  change_from_previous: ['field', 'max_change'],
  outlier: ['field', 'method', 'k', 'min_group_size'],
};

/** The study's list each `from` of an allowed-values rule reads, and the one field it fits. */
const SOURCE_FIELDS: Record<Exclude<StudySource, 'study_subject_id_format'>, TextField> = {
  study_visits: 'VisitName',
  study_arms: 'TreatmentArm',
  study_sites: 'SiteID',
};

/** Names of the routes beside /checks/rules/:ruleId, which would hide a rule of that id. */
export const RESERVED_RULE_IDS = ['EXPORT', 'IMPORT', 'VERSIONS'];

const ID_FORMAT = 'an upper-case letter, then 1 to 31 upper-case letters, digits, - or _ (e.g. VS013)';

/**
 * A rule from its written form (a JSON body, an entry of a YAML or JSON document): checked whole,
 * defaults filled in (enabled true, hard false, offset 0, outlier k 3 for sd / 1.5 for iqr,
 * min_group_size 10), fields in a fixed order. Throws a RuleDefinitionError listing every problem,
 * each under its path (`path` prefixes them: `rules[3]`).
 */
export function parseRule(input: unknown, path = ''): Rule {
  const problems = new RuleProblems();
  const rule = readRule(input, path, problems);
  if (!rule || !problems.empty) {
    const id = isPlainObject(input) && typeof input.id === 'string' && RULE_ID_PATTERN.test(input.id) ? ` ${input.id}` : '';
    throw new RuleDefinitionError(problems.details, `The rule${id}`);
  }
  return rule;
}

/** Like parseRule, but adds problems to `problems` instead of throwing (a document collects them all). */
export function readRule(input: unknown, path: string, problems: RuleProblems): Rule | undefined {
  if (!isPlainObject(input)) {
    problems.add(path || 'rule', `must be an object with the rule's fields (not ${input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input})`);
    return undefined;
  }
  const reader = new RuleReader(input, path, problems);
  const type = reader.oneOf('type', RULE_TYPES, true, `one of the rule types: ${RULE_TYPES.join(', ')}`);
  const base = readBase(reader);
  if (!type) return undefined;
  refuseUnknownFields(reader, type);
  const specific = TYPE_READERS[type](reader, base.hard);
  if (!specific) return undefined;
  const { id, severity, message, description, enabled, hard } = base;
  return { id, type, severity, ...specific, message, ...(description === undefined ? {} : { description }), enabled, hard } as Rule;
}

function readBase(reader: RuleReader) {
  const id = reader.string('id', { required: true, maxLength: 32 });
  if (id !== undefined && !RULE_ID_PATTERN.test(id)) reader.problem('id', `must be ${ID_FORMAT} (not "${shorten(id)}")`);
  else if (id !== undefined && RESERVED_RULE_IDS.includes(id)) {
    reader.problem('id', `${id} is reserved: /quality/checks/rules/${id.toLowerCase()} is a route of its own (paths are case-insensitive)`);
  }
  return {
    id: id ?? '',
    severity: reader.oneOf('severity', RULE_SEVERITIES, true) ?? 'minor',
    message: reader.string('message', { required: true, maxLength: MAX_MESSAGE_LENGTH, multiline: true }) ?? '',
    description: reader.string('description', { maxLength: MAX_DESCRIPTION_LENGTH, multiline: true }),
    enabled: reader.boolean('enabled', true),
    hard: reader.boolean('hard', false),
  };
}

function refuseUnknownFields(reader: RuleReader, type: RuleType): void {
  const allowed = [...BASE_FIELDS, ...TYPE_FIELDS[type]];
  for (const key of reader.keys()) {
    if (!allowed.includes(key)) reader.problem(key, `is not a field of a ${type} rule; its fields are: ${allowed.join(', ')}`);
  }
}

type TypeFields = Record<string, unknown>;
const TYPE_READERS: Record<RuleType, (reader: RuleReader, hard: boolean) => TypeFields | undefined> = {
  range: readRange,
  comparison: readComparison,
  allowed_values: readAllowedValues,
  pattern: readPattern,
  constant_within_subject: (reader) => {
    const field = textField(reader, 'field', 'a constant_within_subject rule');
    if (field === 'SubjectID') reader.problem('field', 'cannot be SubjectID: every record of a subject has the same SubjectID by definition');
    return { field };
  },
  required_visits: (reader, hard) => {
    if (hard) reader.problem('hard', 'must be false: a missing visit is not a record that capture could refuse');
    const visits = reader.stringList('visits', { maxItems: MAX_LISTED_VALUES, maxLength: MAX_VALUE_LENGTH });
    return visits === undefined ? {} : { visits };
  },
  visit_window: () => ({}),
  unique: readUnique,
  change_from_previous: (reader) => ({
    field: numericField(reader, 'field', 'a change_from_previous rule'),
    max_change: reader.number('max_change', { required: true, above: 0 }),
  }),
  outlier: readOutlier,
};

function readRange(reader: RuleReader, hard: boolean): TypeFields {
  if (hard) reader.problem('hard', 'must be false for a range rule: give hard_min and/or hard_max, the limits outside which capture refuses a value');
  const field = numericField(reader, 'field', 'a range rule');
  const limits = {
    min: reader.number('min'),
    max: reader.number('max'),
    hard_min: reader.number('hard_min'),
    hard_max: reader.number('hard_max'),
  };
  const given = Object.entries(limits).filter(([, value]) => value !== undefined);
  if (given.length === 0 && !['min', 'max', 'hard_min', 'hard_max'].some((name) => reader.has(name))) {
    reader.problem('min', 'a range rule needs at least one limit: min, max (soft: a query), hard_min or hard_max (hard: refused at capture)');
  }
  const { min, max, hard_min: hardMin, hard_max: hardMax } = limits;
  if (min !== undefined && max !== undefined && min > max) reader.problem('min', `must not be greater than max (${max})`);
  if (hardMin !== undefined && hardMax !== undefined && hardMin > hardMax) reader.problem('hard_min', `must not be greater than hard_max (${hardMax})`);
  if (hardMin !== undefined && min !== undefined && hardMin > min) {
    reader.problem('hard_min', `must not be above min (${min}): the hard limits lie outside the soft ones (hard_min <= min <= max <= hard_max)`);
  }
  if (hardMax !== undefined && max !== undefined && hardMax < max) {
    reader.problem('hard_max', `must not be below max (${max}): the hard limits lie outside the soft ones (hard_min <= min <= max <= hard_max)`);
  }
  if (hardMin !== undefined && max !== undefined && hardMin > max) reader.problem('hard_min', `must not be greater than max (${max})`);
  if (min !== undefined && hardMax !== undefined && min > hardMax) reader.problem('min', `must not be greater than hard_max (${hardMax})`);
  return { field, ...Object.fromEntries(given) };
}

function readComparison(reader: RuleReader): TypeFields | undefined {
  const left = numericField(reader, 'left', 'a comparison rule');
  const operator = reader.oneOf('operator', COMPARISON_OPERATORS, true);
  const right = numericField(reader, 'right', 'a comparison rule');
  // Whole: the fields a comparison may pair (left and right differ) are whole numbers but for Temperature.
  const offset = reader.has('offset') ? reader.number('offset', { integer: true }) : 0;
  if (left !== undefined && left === right) reader.problem('right', `must be another field than left (${left})`);
  return { left, operator, right, offset };
}

function readAllowedValues(reader: RuleReader): TypeFields {
  const field = textField(reader, 'field', 'an allowed_values rule');
  const sources = Object.keys(SOURCE_FIELDS) as Array<keyof typeof SOURCE_FIELDS>;
  const from = reader.oneOf('from', sources, false, `one of the study's lists: ${sources.join(', ')}`);
  const values = reader.stringList('values', { maxItems: MAX_LISTED_VALUES, maxLength: MAX_VALUE_LENGTH });
  eitherOr(reader, 'values', 'from', 'the allowed values, or from: the study list they come from');
  if (from && field && SOURCE_FIELDS[from] !== field) {
    reader.problem('from', `${from} lists values of ${SOURCE_FIELDS[from]}, not of ${field}`);
  }
  return values !== undefined ? { field, values } : { field, from };
}

function readPattern(reader: RuleReader): TypeFields {
  const field = textField(reader, 'field', 'a pattern rule');
  const from = reader.oneOf('from', ['study_subject_id_format'] as const, false);
  const regex = reader.string('regex', { maxLength: Number.MAX_SAFE_INTEGER });
  if (regex !== undefined) patternProblems(regex).forEach((problem) => reader.problem('regex', problem));
  eitherOr(reader, 'regex', 'from', 'the regular expression, or from: study_subject_id_format');
  if (from && field && field !== 'SubjectID') reader.problem('from', `study_subject_id_format is the format of SubjectID, not of ${field}`);
  return regex !== undefined ? { field, regex } : { field, from };
}

function readUnique(reader: RuleReader): TypeFields {
  const fields = reader.stringList('fields', { required: true, maxItems: TEXT_FIELDS.length, maxLength: 32 });
  fields?.forEach((name, index) => {
    if (!(TEXT_FIELDS as readonly string[]).includes(name)) {
      reader.problem(`fields[${index}]`, `must be one of the text fields: ${TEXT_FIELDS.join(', ')} (not "${shorten(name)}")`);
    }
  });
  return { fields };
}

function readOutlier(reader: RuleReader, hard: boolean): TypeFields {
  if (hard) reader.problem('hard', 'must be false: an outlier is judged against the other subjects, not refused at capture');
  const field = numericField(reader, 'field', 'an outlier rule');
  const method = reader.oneOf('method', OUTLIER_METHODS, true, 'sd (k standard deviations from the mean) or iqr (outside Q1 - k·IQR .. Q3 + k·IQR)');
  const k = reader.has('k') ? reader.number('k', { above: 0, max: 100 }) : method ? DEFAULT_OUTLIER_K[method] : undefined;
  const minGroupSize = reader.has('min_group_size')
    ? reader.number('min_group_size', { integer: true, min: 3, max: 1_000_000 })
    : DEFAULT_MIN_GROUP_SIZE;
  return { field, method, k, min_group_size: minGroupSize };
}

/** Exactly one of two fields (a list spelled out, or the study's list it comes from). */
function eitherOr(reader: RuleReader, first: string, second: string, what: string): void {
  const hasFirst = reader.has(first);
  const hasSecond = reader.has(second);
  if (hasFirst && hasSecond) reader.problem(second, `give either ${first} or ${second}, not both`);
  if (!hasFirst && !hasSecond) reader.problem(first, `is required unless ${second} is given: ${what}`);
}

function numericField(reader: RuleReader, name: string, rule: string): NumericField | undefined {
  return checkedField(reader, name, rule, NUMERIC_FIELDS, TEXT_FIELDS, 'numeric', 'text');
}

function textField(reader: RuleReader, name: string, rule: string): TextField | undefined {
  return checkedField(reader, name, rule, TEXT_FIELDS, NUMERIC_FIELDS, 'text', 'numeric');
}

function checkedField<T extends string>(
  reader: RuleReader,
  name: string,
  rule: string,
  fitting: readonly T[],
  other: readonly string[],
  kind: string,
  otherKind: string,
): T | undefined {
  if (!reader.has(name)) {
    reader.problem(name, `is required; ${rule} checks a ${kind} field: ${fitting.join(', ')}`);
    return undefined;
  }
  const field = reader.string(name, { maxLength: 64 });
  if (field === undefined) return undefined;
  if ((fitting as readonly string[]).includes(field)) return field as T;
  if (field === 'VisitDate') reader.problem(name, `VisitDate is a date field; ${rule} checks a ${kind} field: ${fitting.join(', ')}`);
  else if (other.includes(field)) reader.problem(name, `${field} is a ${otherKind} field; ${rule} checks a ${kind} field: ${fitting.join(', ')}`);
  else reader.problem(name, `"${shorten(field)}" is not a field of a vital signs record; ${rule} checks a ${kind} field: ${fitting.join(', ')}`);
  return undefined;
}

/**
 * A rule's fields in the order parseRule writes them. A library read back from jsonb (which keeps
 * its own key order) is put in this order, so exports read alike and rules compare by their text.
 */
export function canonicalRule(rule: Rule): Rule {
  const order = ['id', 'type', 'severity', ...(TYPE_FIELDS[rule.type] ?? []), 'message', 'description', 'enabled', 'hard'];
  const source = rule as unknown as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of order) if (source[key] !== undefined) ordered[key] = source[key];
  return ordered as unknown as Rule;
}
