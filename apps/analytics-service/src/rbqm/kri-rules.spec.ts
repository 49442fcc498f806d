import { DEFAULT_RULES, type Rule } from '../../../../libs/edit-checks/src/index.js';
import { DUPLICATE_VISIT_RULE, kriRules, MISSING_VISIT_RULE } from './kri-rules.js';

const range = (id: string, enabled = true): Rule => ({ id, type: 'range', field: 'HeartRate', min: 40, max: 140, severity: 'minor', message: 'x', enabled, hard: false });

describe('the rules risk indicators are counted with', () => {
  it("take the default library's range and required-visit rules when the study has no library of its own", () => {
    const rules = kriRules('RA001', 0, null);
    expect(rules.rangeRuleIds).toEqual(['VS001', 'VS002', 'VS003', 'VS004']);
    expect(rules.visitRuleIds).toEqual(['VS011']);
    expect(rules.library.rules.map((rule) => rule.id)).toEqual(['VS001', 'VS002', 'VS003', 'VS004', 'VS011', DUPLICATE_VISIT_RULE]);
    expect(rules.library).toMatchObject({ protocolId: 'RA001', version: 0 });
  });

  it("take the study's enabled range rules only, and judge missing visits by the schedule when the study disabled its rule", () => {
    const visits = DEFAULT_RULES.find((rule) => rule.type === 'required_visits')!;
    const rules = kriRules('RA001', 3, [range('HR-1'), range('HR-OFF', false), { ...visits, enabled: false }]);
    expect(rules.rangeRuleIds).toEqual(['HR-1']);
    expect(rules.visitRuleIds).toEqual([MISSING_VISIT_RULE]);
    expect(rules.library.rules.find((rule) => rule.id === MISSING_VISIT_RULE)).toMatchObject({ type: 'required_visits', enabled: true });
  });

  it('always count duplicate visits with a fixed rule, whatever the library holds', () => {
    const rules = kriRules('RA001', 1, []);
    expect(rules.library.rules.filter((rule) => rule.id.startsWith('kri:')).map((rule) => rule.type)).toEqual(['required_visits', 'unique']);
    expect(rules.rangeRuleIds).toEqual([]);
  });

  it("evaluate no arm-constancy rule: over stored records, which show their subject's current arm, it could never fire", () => {
    for (const library of [null, DEFAULT_RULES]) {
      expect(kriRules('RA001', 1, library).library.rules.filter((rule) => rule.type === 'constant_within_subject')).toEqual([]);
    }
  });
});
