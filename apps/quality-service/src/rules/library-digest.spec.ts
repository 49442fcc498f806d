import { createHash } from 'node:crypto';
import { DEFAULT_RULES, type Rule } from '../../../../libs/edit-checks/src/index.js';
import { canonicalJson, ruleLibrarySha256 } from './library-digest.js';

const RANGE = { id: 'HR', type: 'range', severity: 'minor', field: 'HeartRate', min: 40, max: 150, message: 'm', enabled: true, hard: false } as Rule;
const WINDOW = { id: 'W1', type: 'visit_window', severity: 'minor', message: 'm', enabled: true, hard: false } as Rule;

describe('ruleLibrarySha256: the digest of a library', () => {
  it('is the sha256 of the rules as JSON with sorted keys and no whitespace, in library order', () => {
    const expected = '[{"enabled":true,"field":"HeartRate","hard":false,"id":"HR","max":150,"message":"m","min":40,"severity":"minor","type":"range"}]';
    expect(canonicalJson([RANGE])).toBe(expected);
    expect(ruleLibrarySha256([RANGE])).toBe(createHash('sha256').update(expected).digest('hex'));
  });

  it('does not depend on the order of a rule\'s keys, but on the order of the rules', () => {
    const reordered = Object.fromEntries(Object.entries(RANGE).reverse()) as unknown as Rule;
    expect(ruleLibrarySha256([reordered, WINDOW])).toBe(ruleLibrarySha256([RANGE, WINDOW]));
    expect(ruleLibrarySha256([WINDOW, RANGE])).not.toBe(ruleLibrarySha256([RANGE, WINDOW]));
  });

  it('changes with any value, and reads lists and text exactly', () => {
    expect(ruleLibrarySha256([{ ...RANGE, max: 151 } as Rule])).not.toBe(ruleLibrarySha256([RANGE]));
    expect(canonicalJson({ b: ['x"y', 1.5, null], a: 'é\n' })).toBe('{"a":"é\\n","b":["x\\"y",1.5,null]}');
    expect(ruleLibrarySha256(DEFAULT_RULES)).toMatch(/^[0-9a-f]{64}$/);
    expect(ruleLibrarySha256([])).toBe(createHash('sha256').update('[]').digest('hex'));
  });
});
