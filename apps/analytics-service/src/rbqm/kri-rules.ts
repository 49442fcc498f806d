import { DEFAULT_RULES, type Rule, type RuleLibrary } from '../../../../libs/edit-checks/src/index.js';

/**
 * The rules the risk indicators are counted with, by the shared evaluator (libs/edit-checks):
 * the study's enabled range rules (out-of-range values) and required-visit rules (missing visits),
 * as its edit checks define them; a study without an enabled required-visit rule is judged by the
 * schedule's required visits. Duplicate visits are structural, so a fixed rule counts them whatever
 * the library holds. The fixed rules' ids are lower case, which no library id can be.
 *
 * Arm changes are not evaluated: a stored vital-sign record has no arm of its own (edc_vitals gives
 * every record its subject's current arm), so an arm-constancy rule over stored data never fires;
 * see ARM_CHANGES_NOT_MEASURED.
 */
/** Why subjects_with_arm_changes is always 0, for the answer's documentation. */
export const ARM_CHANGES_NOT_MEASURED =
  "always 0: not measurable from the published data. A stored record has no arm of its own (each record shows its subject's current arm), " +
  'the EDC refuses a record naming another arm than its subject\'s, and no rule query about arms can be opened over stored data. ' +
  "A change of a subject's arm (a correction after randomization) is kept only in the EDC's audit trail, which no view publishes";

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
    { ...FIXED, id: DUPLICATE_VISIT_RULE, type: 'unique', fields: ['SubjectID', 'VisitName'] },
  ];
  return {
    library: { protocolId, version, rules: [...ranges, ...visitRules, ...fixed] },
    rangeRuleIds: ranges.map((rule) => rule.id),
    visitRuleIds: visitRules.map((rule) => rule.id),
  };
}
