import { DEFAULT_RULES } from '../../../../libs/edit-checks/src/index.js';
import { parseRule } from './parse-rule.js';

describe('the default rule library as the rule editor reads it', () => {
  it('each default rule passes parseRule unchanged', () => {
    expect(DEFAULT_RULES.length).toBeGreaterThan(0);
    for (const rule of DEFAULT_RULES) expect(parseRule(structuredClone(rule))).toEqual(rule);
  });
});
