import { createHash } from 'node:crypto';
import { DEFAULT_RULES, type Rule } from '../../../../libs/edit-checks/src/index.js';
import { canonicalJson, rulesSha256 } from './rules-digest.js';

describe('the rules digest a run records', () => {
  it('writes JSON with sorted keys at every depth, arrays in order, no spaces', () => {
    expect(canonicalJson({ b: 1, a: [{ z: 'x', y: null }, 2], c: { e: true, d: 'é"' }, u: undefined })).toBe(
      '{"a":[{"y":null,"z":"x"},2],"b":1,"c":{"d":"é\\"","e":true}}',
    );
  });

  it('is the same for the same rules whatever the order of their keys, and differs for any change', () => {
    const rule = { id: 'R1', type: 'range', field: 'SystolicBP', min: 95, max: 200, severity: 'minor', message: 'm' } as unknown as Rule;
    const reordered = { message: 'm', severity: 'minor', max: 200, min: 95, field: 'SystolicBP', type: 'range', id: 'R1' } as unknown as Rule;
    expect(rulesSha256([rule])).toBe(rulesSha256([reordered]));
    expect(rulesSha256([rule])).not.toBe(rulesSha256([{ ...rule, max: 201 } as Rule]));
    expect(rulesSha256([rule, rule])).not.toBe(rulesSha256([rule]));
  });

  it('is the hex sha256 of the canonical text, so anyone can recompute it from the library', () => {
    const expected = createHash('sha256').update(canonicalJson(DEFAULT_RULES)).digest('hex');
    expect(rulesSha256(DEFAULT_RULES)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });
});
