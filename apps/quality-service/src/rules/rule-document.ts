import { LineCounter, parseDocument, stringify } from 'yaml';
import type { Rule } from '../../../../libs/edit-checks/src/index.js';
import { readRule } from './parse-rule.js';
import { RuleDefinitionError, RuleProblems } from './rule-definition-error.js';
import { findJsonProblem, MAX_JSON_DEPTH } from './json-syntax.js';
import { firstRepeatedKey } from './yaml-keys.js';
import { yamlTooDeep } from './yaml-nesting.js';
import { describeType, isPlainObject } from './rule-reader.js';

export const RULE_DOCUMENT_FORMATS = ['yaml', 'json'] as const;
export type RuleDocumentFormat = (typeof RULE_DOCUMENT_FORMATS)[number];

/** A rule document's size limits: far above any real library, far below a resource problem. */
export const MAX_DOCUMENT_BYTES = 256 * 1024;
export const MAX_RULES = 500;
/** YAML aliases (`*name`) a document may use; each expands its anchor's content again. */
const MAX_YAML_ALIASES = 50;

const DOCUMENT_SUBJECT = 'The rule document';

/**
 * The rules of a YAML or JSON document: `rules: [...]` or a bare list. Every rule is checked as
 * parseRule checks it, and ids must be unique; all problems are reported together, by position
 * (`rules[3].min`), in one RuleDefinitionError. A syntax error names its line and column.
 */
export function parseRuleDocument(text: string, format: RuleDocumentFormat): Rule[] {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_DOCUMENT_BYTES) {
    refuse('document', `is ${bytes} bytes; a rule document may have at most ${MAX_DOCUMENT_BYTES} bytes (${MAX_DOCUMENT_BYTES / 1024} KiB)`);
  }
  // A byte order mark, as some editors save files, is not part of the document.
  text = text.replace(/^\uFEFF/, '');
  if (text.trim().length === 0) refuse('document', 'is empty; write rules: followed by a list of rules');
  const content = format === 'json' ? readJson(text) : readYaml(text);
  return rulesOf(content);
}

/** The library as a document parseRuleDocument reads back to the same rules. */
export function formatRuleDocument(rules: readonly Rule[], format: RuleDocumentFormat, heading?: string): string {
  if (format === 'json') return `${JSON.stringify({ rules }, null, 2)}\n`;
  const comment = heading ? `${heading.split('\n').map((line) => `# ${line}`.trimEnd()).join('\n')}\n` : '';
  // Plain scalars that YAML 1.1 readers take for booleans or numbers ("yes", "1.0") are quoted by the core schema.
  return comment + stringify({ rules }, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Levels of lists and maps a document may nest (a rule document needs 4: rules, the list, a rule, its values). */
export const MAX_DOCUMENT_DEPTH = MAX_JSON_DEPTH;

function readJson(text: string): unknown {
  const found = findJsonProblem(text);
  if (found) {
    const where = `line ${found.line}, column ${found.column}`;
    if (found.kind === 'syntax') refuse('document', `is not valid JSON: ${where}: ${found.problem}`);
    refuse('document', `${where}: ${found.problem}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    return refuse('document', 'is not valid JSON');
  }
}

function readYaml(text: string): unknown {
  // Measured before composing: composing recurses per level, and no stack overflow may ever happen.
  const tooDeep = yamlTooDeep(text, MAX_DOCUMENT_DEPTH);
  if (tooDeep) {
    refuse('document', `is nested more than ${MAX_DOCUMENT_DEPTH} levels deep (line ${tooDeep.line}, column ${tooDeep.column}); a rule document needs 4`);
  }
  let document;
  const lines = new LineCounter();
  try {
    // The core schema, plain data only: no custom tags, no YAML 1.1 types (!!binary, !!set,
    // !!timestamp: unresolved, so refused below), no merge keys. Repeated keys: firstRepeatedKey
    // below (the package's own check takes quadratic time).
    document = parseDocument(text, { schema: 'core', uniqueKeys: false, merge: false, resolveKnownTags: false, prettyErrors: true, strict: true, lineCounter: lines });
  } catch (error) {
    return refuse('document', `could not be read as YAML: ${readFailure(error)}`);
  }
  const [first] = [...document.errors, ...document.warnings];
  if (first) {
    const at = first.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}: ` : '';
    refuse('document', `is not valid YAML: ${where}${readFailure(first).split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
  }
  const repeated = firstRepeatedKey(document, lines);
  if (repeated) {
    const key = repeated.key.length > 40 ? `${repeated.key.slice(0, 40)}…` : repeated.key;
    refuse('document', `is not valid YAML: line ${repeated.line}, column ${repeated.column}: Map keys must be unique; "${key}" appears twice in one mapping`);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    // An alias count over the limit (a "billion laughs" document).
    return refuse('document', `could not be read: ${readFailure(error)}`);
  }
}

function readFailure(error: unknown): string {
  return (error as Error).message;
}

function rulesOf(content: unknown): Rule[] {
  let list: unknown;
  let path: string;
  if (Array.isArray(content)) {
    list = content;
    path = '';
  } else if (isPlainObject(content) && Object.hasOwn(content, 'rules')) {
    const others = Object.keys(content).filter((key) => key !== 'rules');
    if (others.length > 0) refuse(others[0], 'is not a field of a rule document; write rules: followed by the list of rules');
    list = content.rules;
    path = 'rules';
  } else {
    return refuse('document', `must be a list of rules, or an object with rules: and that list (not ${describeType(content)})`);
  }
  if (!Array.isArray(list)) return refuse(path, `must be a list of rules (not ${describeType(list)})`);
  if (list.length > MAX_RULES) refuse(path || 'document', `has ${list.length} rules; a library may have at most ${MAX_RULES}`);

  const problems = new RuleProblems();
  const rules = list.map((entry: unknown, index) => readRule(entry, `${path}[${index}]`, problems));
  refuseDuplicateIds(rules, path, problems);
  if (!problems.empty) throw new RuleDefinitionError(problems.details, DOCUMENT_SUBJECT);
  return rules as Rule[];
}

function refuseDuplicateIds(rules: Array<Rule | undefined>, path: string, problems: RuleProblems): void {
  const firstAt = new Map<string, number>();
  rules.forEach((rule, index) => {
    if (!rule?.id) return;
    const first = firstAt.get(rule.id);
    if (first === undefined) firstAt.set(rule.id, index);
    else problems.add(`${path}[${index}].id`, `${rule.id} is also the id of ${path}[${first}]; rule ids must be unique`);
  });
}

function refuse(field: string, problem: string): never {
  throw new RuleDefinitionError([{ field, problems: [problem] }], DOCUMENT_SUBJECT);
}
