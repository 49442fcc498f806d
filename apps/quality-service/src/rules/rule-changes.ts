import type { AuditEventInput } from '../../../../libs/audit/src/index.js';
import { canonicalRule } from './parse-rule.js';
import type { Rule } from '../../../../libs/edit-checks/src/index.js';

export const IMPORT_MODES = ['replace', 'merge'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];

/** One rule added, changed or removed between two versions of a library. */
export interface RuleChange {
  ruleId: string;
  action: 'create' | 'update' | 'delete';
  old: Rule | null;
  new: Rule | null;
}

/** The audit trail's entity of a rule. */
export const RULE_ENTITY = 'quality_rule';

/** The library with `rule` in it: in place of the rule with its id, else at the end. */
export function withRule(rules: readonly Rule[], rule: Rule): Rule[] {
  const at = rules.findIndex((existing) => existing.id === rule.id);
  return at < 0 ? [...rules, rule] : rules.map((existing, index) => (index === at ? rule : existing));
}

export function withoutRule(rules: readonly Rule[], ruleId: string): Rule[] {
  return rules.filter((rule) => rule.id !== ruleId);
}

/** replace: the document is the library. merge: the document's rules replace those with their ids, the others are added at the end. */
export function importedLibrary(rules: readonly Rule[], imported: readonly Rule[], mode: ImportMode): Rule[] {
  if (mode === 'replace') return [...imported];
  return imported.reduce<Rule[]>((library, rule) => withRule(library, rule), [...rules]);
}

/** What differs between two libraries, rule by rule (the order of rules alone is no change). */
export function ruleChanges(before: readonly Rule[], after: readonly Rule[]): RuleChange[] {
  const old = new Map(before.map((rule) => [rule.id, rule]));
  const next = new Map(after.map((rule) => [rule.id, rule]));
  const changes: RuleChange[] = [];
  for (const rule of after) {
    const previous = old.get(rule.id);
    if (!previous) changes.push({ ruleId: rule.id, action: 'create', old: null, new: rule });
    else if (!sameRule(previous, rule)) changes.push({ ruleId: rule.id, action: 'update', old: previous, new: rule });
  }
  for (const rule of before) {
    if (!next.has(rule.id)) changes.push({ ruleId: rule.id, action: 'delete', old: rule, new: null });
  }
  return changes;
}

export function sameRule(a: Rule, b: Rule): boolean {
  return JSON.stringify(canonicalRule(a)) === JSON.stringify(canonicalRule(b));
}

/** The version's change summary: how it was made, which rules it added, changed, removed, and the writer's reason. */
export function changeSummary(how: string, changes: readonly RuleChange[], reason?: string): string {
  const part = (action: RuleChange['action'], verb: string): string | null => {
    const ids = changes.filter((change) => change.action === action).map((change) => change.ruleId);
    if (ids.length === 0) return null;
    const listed = ids.length > 20 ? `${ids.slice(0, 20).join(', ')} and ${ids.length - 20} more` : ids.join(', ');
    return `${verb} ${listed}`;
  };
  const parts = [part('create', 'added'), part('update', 'changed'), part('delete', 'removed')].filter(Boolean);
  return `${how}: ${parts.join('; ')}${reason === undefined ? '' : `; reason: ${reason}`}`;
}

/** One audit event per changed rule, with its old and new definition and the library's versions. */
export function ruleAuditEvents(protocolId: string, changes: readonly RuleChange[], versions: { old: number; new: number }, reason?: string): AuditEventInput[] {
  return changes.map((change) => ({
    reason: reason ?? null,
    action: change.action,
    entityType: RULE_ENTITY,
    entityId: `${protocolId}:${change.ruleId}`,
    changes: {
      definition: { old: change.old, new: change.new },
      rules_version: { old: versions.old, new: versions.new },
    },
  }));
}
