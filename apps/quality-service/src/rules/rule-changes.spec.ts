import { DEFAULT_RULES, type Rule } from '../../../../libs/edit-checks/src/index.js';
import { changeSummary, importedLibrary, ruleAuditEvents, ruleChanges, withoutRule, withRule } from './rule-changes.js';

const defaults = structuredClone([...DEFAULT_RULES]);
const byId = (id: string): Rule => defaults.find((rule) => rule.id === id)!;
const delta: Rule = { id: 'BP-DELTA', type: 'change_from_previous', severity: 'major', field: 'SystolicBP', max_change: 40, message: 'm', enabled: true, hard: false };
const stricter: Rule = { ...byId('VS001'), max: 180 } as Rule;

describe('rule library changes', () => {
  it('a rule put in replaces the one with its id in place, or is added at the end', () => {
    expect(withRule(defaults, stricter).map((rule) => rule.id)).toEqual(defaults.map((rule) => rule.id));
    expect(withRule(defaults, stricter)[0]).toBe(stricter);
    expect(withRule(defaults, delta).at(-1)).toBe(delta);
    expect(withoutRule(defaults, 'VS004').map((rule) => rule.id)).not.toContain('VS004');
  });

  it('replace makes the document the library; merge replaces same ids and adds new ones', () => {
    expect(importedLibrary(defaults, [delta], 'replace')).toEqual([delta]);
    const merged = importedLibrary(defaults, [stricter, delta], 'merge');
    expect(merged).toHaveLength(defaults.length + 1);
    expect(merged[0]).toBe(stricter);
    expect(merged.at(-1)).toBe(delta);
  });

  it('lists added, changed and removed rules with their old and new definitions', () => {
    const after = [stricter, ...defaults.slice(1).filter((rule) => rule.id !== 'VS012'), delta];
    expect(ruleChanges(defaults, after)).toEqual([
      { ruleId: 'VS001', action: 'update', old: byId('VS001'), new: stricter },
      { ruleId: 'BP-DELTA', action: 'create', old: null, new: delta },
      { ruleId: 'VS012', action: 'delete', old: byId('VS012'), new: null },
    ]);
  });

  it('sees no change in the order of rules, nor in the order of a rule\'s keys (jsonb keeps its own)', () => {
    expect(ruleChanges(defaults, [...defaults].reverse())).toEqual([]);
    const reordered = Object.fromEntries(Object.entries(byId('VS005')).reverse()) as unknown as Rule;
    expect(ruleChanges(defaults, withRule(defaults, reordered))).toEqual([]);
  });

  it('sums a version up by how it was made and which rules it touched', () => {
    const changes = ruleChanges(defaults, [stricter, delta]);
    expect(changeSummary('import (replace)', changes)).toBe(
      'import (replace): added BP-DELTA; changed VS001; removed VS002, VS003, VS004, VS005, VS007, VS008, VS009, VS010, VS011, VS012',
    );
    const many = Array.from({ length: 25 }, (_, i) => ({ ...delta, id: `D${i}` }) as Rule);
    expect(changeSummary('import (merge)', ruleChanges([], many))).toMatch(/^import \(merge\): added D0, .*, D19 and 5 more$/);
  });

  it("ends the summary with the writer's reason, when one is given", () => {
    expect(changeSummary('PUT BP-DELTA', ruleChanges([], [delta]), 'Protocol amendment 3')).toBe('PUT BP-DELTA: added BP-DELTA; reason: Protocol amendment 3');
  });

  it('audits each changed rule as quality_rule <study>:<rule> with its definitions and the versions', () => {
    const [event] = ruleAuditEvents('RA001', ruleChanges(defaults, withRule(defaults, stricter)), { old: 0, new: 1 });
    expect(event).toEqual({
      action: 'update',
      entityType: 'quality_rule',
      entityId: 'RA001:VS001',
      reason: null,
      changes: { definition: { old: byId('VS001'), new: stricter }, rules_version: { old: 0, new: 1 } },
    });
  });

  it("gives every event of a write the writer's reason", () => {
    const events = ruleAuditEvents('RA001', ruleChanges(defaults, [stricter, delta]), { old: 0, new: 1 }, 'Amendment 3');
    expect(events.length).toBeGreaterThan(2);
    expect(new Set(events.map((event) => event.reason))).toEqual(new Set(['Amendment 3']));
  });
});
