import { DEFAULT_RULES } from '../../../../libs/edit-checks/src/index.js';
import { RuleDefinitionError } from './rule-definition-error.js';
import { formatRuleDocument, parseRuleDocument, type RuleDocumentFormat } from './rule-document.js';

/** The problems of a refused document, by field. */
function problemsOf(text: string, format: RuleDocumentFormat): Record<string, string[]> {
  try {
    parseRuleDocument(text, format);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleDefinitionError);
    return Object.fromEntries((error as RuleDefinitionError).details.map(({ field, problems }) => [field, problems]));
  }
  throw new Error('parseRuleDocument accepted the document');
}

const YAML_RULES = `
rules:
  - id: BP-DELTA
    type: change_from_previous
    severity: major
    field: SystolicBP
    max_change: 40
    message: Systolic changed by more than 40 mmHg since the previous visit.
  - id: HR-OUT
    type: outlier
    severity: minor
    field: HeartRate
    method: iqr
    message: Heart rate is unusual for this arm and visit.
`;

describe('parseRuleDocument: a library written in YAML or JSON', () => {
  it('reads rules: [...] in YAML, with the defaults filled in', () => {
    expect(parseRuleDocument(YAML_RULES, 'yaml')).toEqual([
      { id: 'BP-DELTA', type: 'change_from_previous', severity: 'major', field: 'SystolicBP', max_change: 40, message: expect.any(String), enabled: true, hard: false },
      { id: 'HR-OUT', type: 'outlier', severity: 'minor', field: 'HeartRate', method: 'iqr', k: 1.5, min_group_size: 10, message: expect.any(String), enabled: true, hard: false },
    ]);
  });

  it('reads a bare list, in YAML and JSON', () => {
    const rule = { id: 'W1', type: 'visit_window', severity: 'minor', message: 'Out of window.' };
    expect(parseRuleDocument(JSON.stringify([rule]), 'json')).toEqual([{ ...rule, enabled: true, hard: false }]);
    expect(parseRuleDocument('- id: W1\n  type: visit_window\n  severity: minor\n  message: Out of window.\n', 'yaml')).toEqual([{ ...rule, enabled: true, hard: false }]);
  });

  it('reads a document saved with a byte order mark', () => {
    expect(parseRuleDocument('\uFEFF[]', 'json')).toEqual([]);
    expect(parseRuleDocument('\uFEFFrules: []', 'yaml')).toEqual([]);
  });

  it('reads an empty library', () => {
    expect(parseRuleDocument('rules: []', 'yaml')).toEqual([]);
    expect(parseRuleDocument('{"rules": []}', 'json')).toEqual([]);
  });

  it.each(['yaml', 'json'] as const)('reads back what formatRuleDocument writes in %s, unchanged', (format) => {
    const rules = [...DEFAULT_RULES, ...parseRuleDocument(YAML_RULES, 'yaml')];
    const text = formatRuleDocument(rules, format, 'Rule library of study P-1\nversion 3');
    expect(parseRuleDocument(text, format)).toEqual(rules);
  });

  it('quotes YAML values that would otherwise read as another type', () => {
    const rules = parseRuleDocument(
      JSON.stringify([{ id: 'A1', type: 'allowed_values', field: 'SiteID', values: ['yes', '1.0', 'null', '#1', 'a: b'], severity: 'minor', message: 'x: y # z' }]),
      'json',
    );
    expect(parseRuleDocument(formatRuleDocument(rules, 'yaml'), 'yaml')).toEqual(rules);
  });

  describe('refuses', () => {
    it('a YAML syntax error, with its line and column', () => {
      expect(problemsOf('rules:\n  - id: A1\n    type: [range\n', 'yaml').document).toEqual([expect.stringMatching(/^is not valid YAML: line \d+, column \d+: /)]);
      expect(problemsOf('rules:\n  - id: A1\n  bad indent: x\n - y\n', 'yaml').document).toEqual([expect.stringMatching(/^is not valid YAML: line \d+, column \d+: /)]);
    });

    it('a JSON syntax error, with its line and column', () => {
      expect(problemsOf('{"rules": [\n  {"id": "A1",}\n]}', 'json')).toEqual({
        document: ['is not valid JSON: line 2, column 15: a comma before } (trailing commas are not JSON)'],
      });
      expect(problemsOf('{"rules": [', 'json')).toEqual({ document: ['is not valid JSON: line 1, column 12: the document ends where a value was expected'] });
      expect(problemsOf('{rules: []}', 'json')).toEqual({ document: ['is not valid JSON: line 1, column 2: expected a property name in double quotes, found "r"'] });
    });

    it('a repeated key in a YAML mapping, block or flow, at any depth', () => {
      expect(problemsOf('- id: A1\n  id: A2\n', 'yaml').document).toEqual(['is not valid YAML: line 2, column 3: Map keys must be unique; "id" appears twice in one mapping']);
      expect(problemsOf('rules:\n  - {id: A1, values: [{x: 1, "x": 2}]}\n', 'yaml').document).toEqual([
        'is not valid YAML: line 2, column 30: Map keys must be unique; "x" appears twice in one mapping',
      ]);
      expect(problemsOf('{1: a, "1": b}', 'yaml').document).toEqual(['must be a list of rules, or an object with rules: and that list (not an object)']);
    });

    it('a YAML mapping of 25,000 keys, in a moment (a repeated key is found in linear time)', () => {
      const keys = Array.from({ length: 25_000 }, (_, i) => `"${i}":0`);
      for (const text of [`{${keys.join(',')}}`, `{${keys.join(',')},"0":1}`]) {
        const started = performance.now();
        expect(problemsOf(text, 'yaml').document).toEqual([expect.stringMatching(/^(must be a list of rules|is not valid YAML: line 1, column \d+: Map keys must be unique; "0" appears twice)/)]);
        expect(performance.now() - started).toBeLessThan(2_000);
      }
    });

    it('YAML tags of types beyond plain data', () => {
      expect(problemsOf('- !!js/function "function () {}"\n', 'yaml').document).toEqual([expect.stringMatching(/Unresolved tag/)]);
      for (const tagged of ['rules: !!set {a, b}', 'rules: !!omap [a: 1]', '- id: !!binary VlMwMDE=', '- id: !!timestamp 2001-12-14']) {
        expect(problemsOf(tagged, 'yaml').document).toEqual([expect.stringMatching(/^is not valid YAML: line 1, column \d+: Unresolved tag/)]);
      }
    });

    it('a YAML alias bomb ("billion laughs")', () => {
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'rules: *h'];
      expect(problemsOf(bomb.join('\n'), 'yaml').document).toEqual(['could not be read: Excessive alias count indicates a resource exhaustion attack']);
    });

    describe('a document nested more than 64 levels deep, measured before it is read (never by catching a stack overflow)', () => {
      /** A map ladder: each key one column further in than its parent. */
      const mapLadder = (levels: number) => Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' x\n';
      /** A sequence of maps of sequences: `- a:` then `  - a:` and so on. */
      const seqMapLadder = (levels: number) => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}- a:`).join('\n') + ' x\n';
      /** A sequence at its key's column (YAML allows that once per key): `a:` then `- b:` then `  - c:`. */
      const sameColumnLadder = (levels: number) => 'a:\n' + Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}- b:`).join('\n') + ' x\n';
      const hostile: Array<[string, string]> = [
        ['"- " repeated (compact nested sequences)', `${'- '.repeat(60_000)}x`],
        ['unclosed [', '['.repeat(60_000)],
        ['closed [ ]', `${'['.repeat(30_000)}${']'.repeat(30_000)}`],
        ['{a: {a: ...', `${'{a: '.repeat(50_000)}x`],
        ['[a: [a: ... (pairs in flow sequences)', `${'[a: '.repeat(50_000)}x`],
        ['"? " repeated (nested explicit keys)', `${'? '.repeat(60_000)}x`],
        ['"- ? " repeated', `${'- ? '.repeat(30_000)}x`],
        ['anchored and tagged [', `${'&a !t ['.repeat(30_000)}x`],
        ['a map ladder', mapLadder(700)],
        ['a sequence-of-maps ladder', seqMapLadder(450)],
        ['a ladder of sequences at their keys\' columns', sameColumnLadder(450)],
        ['a block ladder whose last value is flow nesting', `${Array.from({ length: 20 }, (_, i) => `${'  '.repeat(i)}- a:`).join('\n')} ${'['.repeat(60_000)}`],
        ['a flow map under a deep compact sequence', `${'- '.repeat(40)}${'{a: ['.repeat(20_000)}`],
      ];

      it.each(hostile)('YAML: %s, refused in a moment naming where, every time', (_, text) => {
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(256 * 1024);
        const started = performance.now();
        for (let attempt = 0; attempt < 3; attempt += 1) {
          expect(problemsOf(text, 'yaml').document).toEqual([expect.stringMatching(/^is nested more than 64 levels deep \(line \d+, column \d+\); a rule document needs 4$/)]);
        }
        expect(performance.now() - started).toBeLessThan(1_000);
      });

      it.each([
        ['[ repeated', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
        ['{"a": repeated', (n: number) => `${'{"a": '.repeat(n)}1${'}'.repeat(n)}`],
        ['mixed lists and objects', (n: number) => `${'[{"a": '.repeat(n / 2)}1${'}]'.repeat(n / 2)}`],
      ])('JSON: %s, refused past 64 levels with the position, and read at 64', (_, nested) => {
        expect(problemsOf(nested(66), 'json').document).toEqual([expect.stringMatching(/^line 1, column \d+: is nested more than 64 levels deep \(a rule document needs 4\)$/)]);
        expect(JSON.stringify(problemsOf(nested(64), 'json'))).not.toMatch(/nested/);
        const started = performance.now();
        expect(problemsOf(nested(120_000).slice(0, 250_000), 'json').document).toEqual([expect.stringMatching(/nested more than 64 levels/)]);
        expect(performance.now() - started).toBeLessThan(1_000);
      });

      it('names the line and column where level 65 opens', () => {
        expect(problemsOf(`${'- '.repeat(65)}x`, 'yaml').document).toEqual(['is nested more than 64 levels deep (line 1, column 129); a rule document needs 4']);
        expect(problemsOf(mapLadder(66), 'yaml').document).toEqual(['is nested more than 64 levels deep (line 65, column 65); a rule document needs 4']);
        expect(problemsOf(`{"rules":\n${'['.repeat(70)}`, 'json').document).toEqual(['line 2, column 64: is nested more than 64 levels deep (a rule document needs 4)']);
      });

      it.each([
        ['compact sequences', (n: number) => `${'- '.repeat(n)}x`],
        ['flow sequences', (n: number) => `${'['.repeat(n)}x${']'.repeat(n)}`],
        ['flow maps', (n: number) => `${'{a: '.repeat(n)}x${'}'.repeat(n)}`],
        ['a map ladder', mapLadder],
        ['a sequence-of-maps ladder', (n: number) => seqMapLadder(n / 2)],
        ['a ladder of sequences at their keys\' columns', (n: number) => sameColumnLadder((n - 1) / 2)],
      ])('YAML: 64 levels of %s are read (and refused only for not being rules)', (_, nested) => {
        const levels = nested === sameColumnLadder ? 63 : 64;
        expect(JSON.stringify(problemsOf(nested(levels), 'yaml'))).not.toMatch(/nested/);
        expect(problemsOf(nested(levels + 2), 'yaml').document).toEqual([expect.stringMatching(/^is nested more than 64 levels deep/)]);
      });

      it('reads ordinary rule documents, block and flow, whatever their indentation', () => {
        const flow = '{rules: [{id: A1, type: allowed_values, field: SiteID, values: [S01, "S02"], severity: minor, message: "m"}]}';
        const oneSpace = 'rules:\n- id: A1\n  type: allowed_values\n  field: SiteID\n  values:\n  - S01\n  severity: minor\n  message: "a - b: c [d] {e}"\n';
        const comments = '# - - - [ [ [ {\nrules: # [\n  - id: A1 # - - -\n    type: allowed_values\n    field: SiteID\n    values: [S01]\n    severity: minor\n    message: |\n      - - - [ [ {\n        - - -\n';
        for (const text of [flow, oneSpace, comments]) expect(parseRuleDocument(text, 'yaml')).toHaveLength(1);
      });
    });

    it('a repeated key in a JSON object, naming both positions (JSON.parse would keep the last silently)', () => {
      expect(problemsOf('{"rules": [\n  {"id": "A1", "type": "visit_window", "severity": "minor",\n   "message": "m", "severity": "critical"}\n]}', 'json')).toEqual({
        document: ['line 3, column 20: the key "severity" appears twice in one object (first at line 2, column 40); each key may appear once'],
      });
      expect(problemsOf('{"rules": [], "\\u0072ules": []}', 'json').document).toEqual([expect.stringMatching(/^line 1, column 15: the key "rules" appears twice/)]);
      expect(problemsOf('[{"a": 1}, {"a": 2}]', 'json').document).toBeUndefined();
    });

    it('a merge key (<<), which is not part of the rule', () => {
      const text = 'base: &base {severity: minor, message: m}\nrules:\n  - <<: *base\n    id: W1\n    type: visit_window\n';
      expect(problemsOf(text, 'yaml')).toEqual({ base: ['is not a field of a rule document; write rules: followed by the list of rules'] });
      expect(problemsOf('rules:\n  - <<: {severity: minor}\n    id: W1\n    type: visit_window\n    message: m\n    severity: minor\n', 'yaml')['rules[0].<<']).toEqual([
        expect.stringMatching(/^is not a field of a visit_window rule/),
      ]);
    });

    it('a document over 256 KiB, or with more than 500 rules', () => {
      expect(problemsOf(`# ${'x'.repeat(256 * 1024)}\nrules: []`, 'yaml').document).toEqual([
        `is ${256 * 1024 + 12} bytes; a rule document may have at most 262144 bytes (256 KiB)`,
      ]);
      const many = Array.from({ length: 501 }, (_, i) => ({ id: `W${i}`, type: 'visit_window', severity: 'minor', message: 'm' }));
      expect(problemsOf(JSON.stringify({ rules: many }), 'json')).toEqual({ rules: ['has 501 rules; a library may have at most 500'] });
    });

    it('an empty document, or one of another shape', () => {
      expect(problemsOf('  \n', 'yaml').document).toEqual(['is empty; write rules: followed by a list of rules']);
      expect(problemsOf('rules: {id: A1}', 'yaml').rules).toEqual(['must be a list of rules (not an object)']);
      expect(problemsOf('"rules"', 'json').document).toEqual(['must be a list of rules, or an object with rules: and that list (not the text "rules")']);
      expect(problemsOf('{"rules": [], "version": 3}', 'json').version).toEqual(['is not a field of a rule document; write rules: followed by the list of rules']);
    });

    it('duplicate ids, naming both positions', () => {
      const rule = { id: 'W1', type: 'visit_window', severity: 'minor', message: 'm' };
      expect(problemsOf(JSON.stringify({ rules: [rule, { ...rule, id: 'W2' }, rule] }), 'json')).toEqual({
        'rules[2].id': ['W1 is also the id of rules[0]; rule ids must be unique'],
      });
    });

    it('every bad rule, by its position, all at once', () => {
      const text = JSON.stringify([
        { id: 'W1', type: 'visit_window', severity: 'minor', message: 'm' },
        { id: 'R1', type: 'range', field: 'HeartRate', min: 100, max: 50, severity: 'minor', message: 'm' },
        { id: 'X1', type: 'nonsense', severity: 'minor', message: 'm' },
      ]);
      expect(problemsOf(text, 'json')).toEqual({
        '[1].min': ['must not be greater than max (50)'],
        '[2].type': [expect.stringMatching(/^must be one of the rule types/)],
      });
    });

    it('a __proto__ key, which never reaches a rule', () => {
      expect(problemsOf('- __proto__: {min: 5}\n  id: W1\n  type: visit_window\n  severity: minor\n  message: m\n', 'yaml')).toEqual({
        '[0].__proto__': [expect.stringMatching(/^is not a field of a visit_window rule/)],
      });
      expect(problemsOf('{"__proto__": [], "rules": []}', 'json')).toEqual(JSON.parse('{"__proto__": ["is not a field of a rule document; write rules: followed by the list of rules"]}'));
      expect(({} as Record<string, unknown>).min).toBeUndefined();
    });
  });
});
