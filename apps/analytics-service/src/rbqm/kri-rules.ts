import { DEFAULT_RULES, type Rule, type RuleLibrary } from '../../../../libs/edit-checks/src/index.js';

/**
 * The rules the risk indicators are counted with, by the shared evaluator (libs/edit-checks):
 * the study's enabled range rules (out-of-range values) and required-visit rules (missing visits),
 * as its edit checks define them; a study without an enabled required-visit rule is judged by the
 * schedule's required visits. Arm changes and duplicate visits are structural, so fixed rules count
 * them whatever the library holds. The fixed rules' ids are lower case, which no library id can be.
 */
export const ARM_CHANGE_RULE = 'kri:arm_change';
export const DUPLICATE_VISIT_RULE = 'kri:duplicate_visit';
export const MISSING_VISIT_RULE = 'kri:missing_visit';

export interface KriRules {
  library: RuleLibrary;
  /** Ids of the rules whose findings are out-of-range values. */
  rangeRuleIds: string[];
  /** Ids of the rules whose findings are missing visits. */
  visitRuleIds: string[];
}

const FIXED = { severity: 'major', message: 'risk indicator', enabled: true, hard: false } as const;

/** `rules` null: the study never edited its library (the defaults apply). */
export function kriRules(protocolId: string, version: number, rules: readonly Rule[] | null): KriRules {
  const enabled = (rules ?? DEFAULT_RULES).filter((rule) => rule.enabled);
  const ranges = enabled.filter((rule) => rule.type === 'range');
  const studyVisitRules = enabled.filter((rule) => rule.type === 'required_visits');
  const visitRules: Rule[] = studyVisitRules.length > 0 ? studyVisitRules : [{ ...FIXED, id: MISSING_VISIT_RULE, type: 'required_visits' }];
  const fixed: Rule[] = [
    { ...FIXED, id: ARM_CHANGE_RULE, type: 'constant_within_subject', field: 'TreatmentArm' },
    { ...FIXED, id: DUPLICATE_VISIT_RULE, type: 'unique', fields: ['SubjectID', 'VisitName'] },
  ];
  return {
    library: { protocolId, version, rules: [...ranges, ...visitRules, ...fixed] },
    rangeRuleIds: ranges.map((rule) => rule.id),
    visitRuleIds: visitRules.map((rule) => rule.id),
  };
}
