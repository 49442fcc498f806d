import { DEFAULT_RULES } from '../../../../libs/edit-checks/src/index.js';
import { parseRule } from './parse-rule.js';
import { RuleDefinitionError } from './rule-definition-error.js';

const base = { severity: 'major', message: 'Please check the value.' };
const range = { id: 'R1', type: 'range', field: 'SystolicBP', min: 90, max: 180, ...base };

/** The problems parseRule lists for `input`, by field. */
function problemsOf(input: unknown, path?: string): Record<string, string[]> {
  try {
    parseRule(input, path);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleDefinitionError);
    return Object.fromEntries((error as RuleDefinitionError).details.map(({ field, problems }) => [field, problems]));
  }
  throw new Error('parseRule accepted the rule');
}

describe('parseRule: a written rule, checked whole, with its defaults', () => {
  describe('fills the defaults and writes fields in one order', () => {
    it('enabled true and hard false when not given', () => {
      expect(parseRule(range)).toEqual({ id: 'R1', type: 'range', severity: 'major', field: 'SystolicBP', min: 90, max: 180, message: base.message, enabled: true, hard: false });
    });

    it('a comparison offset of 0', () => {
      expect(parseRule({ id: 'C1', type: 'comparison', left: 'SystolicBP', operator: '>', right: 'DiastolicBP', ...base })).toMatchObject({ offset: 0 });
    });

    it.each([
      ['sd', 3],
      ['iqr', 1.5],
    ])('an outlier rule by %s: k %d and groups of at least 10', (method, k) => {
      expect(parseRule({ id: 'O1', type: 'outlier', field: 'HeartRate', method, ...base })).toMatchObject({ k, min_group_size: 10 });
    });

    it('keeps what is given over the defaults', () => {
      const rule = parseRule({ id: 'O1', type: 'outlier', field: 'HeartRate', method: 'sd', k: 2.5, min_group_size: 30, enabled: false, ...base });
      expect(rule).toMatchObject({ k: 2.5, min_group_size: 30, enabled: false });
    });

    it('puts the fields in the same order however they were written (so an exported document is stable)', () => {
      const shuffled = { message: base.message, max: 180, severity: 'major', field: 'SystolicBP', min: 90, type: 'range', id: 'R1' };
      expect(Object.keys(parseRule(shuffled))).toEqual(Object.keys(parseRule(range)));
    });

    it('reads every default rule back unchanged', () => {
      for (const rule of DEFAULT_RULES) expect(parseRule(structuredClone(rule))).toEqual(rule);
    });

    it('accepts each type in its smallest form', () => {
      const rules = [
        { id: 'A1', type: 'allowed_values', field: 'SiteID', values: ['S01', 'S02'] },
        { id: 'P1', type: 'pattern', field: 'SubjectID', regex: '[A-Z]{2}-\\d{3}' },
        { id: 'K1', type: 'constant_within_subject', field: 'SiteID' },
        { id: 'V1', type: 'required_visits', visits: ['Baseline'] },
        { id: 'W1', type: 'visit_window' },
        { id: 'U1', type: 'unique', fields: ['SubjectID', 'VisitName'] },
        { id: 'D1', type: 'change_from_previous', field: 'SystolicBP', max_change: 40 },
        { id: 'H1', type: 'range', field: 'Temperature', hard_min: 30, hard_max: 45 },
      ];
      for (const rule of rules) expect(parseRule({ ...rule, ...base })).toMatchObject(rule);
    });
  });

  describe('refuses, saying what is wrong', () => {
    it('something that is not an object', () => {
      expect(problemsOf('VS001')).toEqual({ rule: ["must be an object with the rule's fields (not string)"] });
      expect(problemsOf(null, 'rules[2]')).toEqual({ 'rules[2]': ["must be an object with the rule's fields (not null)"] });
      expect(problemsOf([range])).toEqual({ rule: ["must be an object with the rule's fields (not a list)"] });
    });

    it('an unknown type, listing the types', () => {
      expect(problemsOf({ ...range, type: 'between' }).type).toEqual([
        'must be one of the rule types: range, comparison, allowed_values, pattern, constant_within_subject, required_visits, visit_window, unique, change_from_previous, outlier (not "between")',
      ]);
    });

    it('a missing type, id, severity or message', () => {
      expect(problemsOf({})).toEqual({
        type: [expect.stringMatching(/^is required; one of the rule types: range, /)],
        id: ['is required'],
        severity: ['is required; one of critical, major, minor'],
        message: ['is required'],
      });
    });

    it('an unknown field for the type, listing the fields it takes', () => {
      expect(problemsOf({ ...range, values: ['a'] }).values).toEqual([
        'is not a field of a range rule; its fields are: id, type, severity, message, description, enabled, hard, field, min, max, hard_min, hard_max',
      ]);
    });

    it('a field the type does not check: a text field where a number belongs, and the reverse', () => {
      expect(problemsOf({ ...range, field: 'SubjectID' }).field).toEqual([
        'SubjectID is a text field; a range rule checks a numeric field: SystolicBP, DiastolicBP, HeartRate, Temperature, RespiratoryRate',
      ]);
      expect(problemsOf({ id: 'A1', type: 'allowed_values', field: 'HeartRate', values: ['1'], ...base }).field).toEqual([
        'HeartRate is a numeric field; an allowed_values rule checks a text field: SubjectID, VisitName, TreatmentArm, SiteID',
      ]);
      expect(problemsOf({ ...range, field: 'VisitDate' }).field).toEqual([expect.stringMatching(/^VisitDate is a date field; a range rule checks a numeric field/)]);
      expect(problemsOf({ ...range, field: 'Systolic' }).field).toEqual([
        '"Systolic" is not a field of a vital signs record; a range rule checks a numeric field: SystolicBP, DiastolicBP, HeartRate, Temperature, RespiratoryRate',
      ]);
    });

    it('min above max', () => {
      expect(problemsOf({ ...range, min: 200, max: 100 }).min).toEqual(['must not be greater than max (100)']);
    });

    it('hard limits inside the soft ones', () => {
      const problems = problemsOf({ ...range, hard_min: 100, hard_max: 150 });
      expect(problems.hard_min).toEqual(['must not be above min (90): the hard limits lie outside the soft ones (hard_min <= min <= max <= hard_max)']);
      expect(problems.hard_max).toEqual(['must not be below max (180): the hard limits lie outside the soft ones (hard_min <= min <= max <= hard_max)']);
      expect(problemsOf({ ...range, min: undefined, max: undefined, hard_min: 50, hard_max: 40 }).hard_min).toEqual(['must not be greater than hard_max (40)']);
    });

    it('a range with no limit at all', () => {
      expect(problemsOf({ ...range, min: undefined, max: undefined }).min).toEqual([
        'a range rule needs at least one limit: min, max (soft: a query), hard_min or hard_max (hard: refused at capture)',
      ]);
    });

    it('hard: true where it cannot apply', () => {
      expect(problemsOf({ ...range, hard: true }).hard).toEqual([expect.stringMatching(/^must be false for a range rule: give hard_min and\/or hard_max/)]);
      expect(problemsOf({ id: 'V1', type: 'required_visits', hard: true, ...base }).hard).toEqual([expect.stringMatching(/a missing visit is not a record/)]);
      expect(problemsOf({ id: 'O1', type: 'outlier', field: 'HeartRate', method: 'sd', hard: true, ...base }).hard).toEqual([expect.stringMatching(/judged against the other subjects/)]);
    });

    it('non-finite and non-numeric numbers', () => {
      expect(problemsOf({ ...range, min: Number.NaN }).min).toEqual(['must be a finite number']);
      expect(problemsOf({ ...range, max: Number.POSITIVE_INFINITY }).max).toEqual(['must be a finite number']);
      expect(problemsOf({ ...range, min: '90' }).min).toEqual(['must be a number (not the text "90")']);
      expect(problemsOf({ ...range, min: null }).min).toEqual(['must be a number (not null)']);
      expect(problemsOf({ id: 'D1', type: 'change_from_previous', field: 'HeartRate', max_change: 0, ...base }).max_change).toEqual(['must be greater than 0']);
      expect(problemsOf({ id: 'O1', type: 'outlier', field: 'HeartRate', method: 'sd', min_group_size: 2.5, ...base }).min_group_size).toEqual(['must be a whole number']);
      expect(problemsOf({ id: 'O1', type: 'outlier', field: 'HeartRate', method: 'sd', k: -1, ...base }).k).toEqual(['must be greater than 0']);
    });

    it('both values and from, or neither', () => {
      const allowed = { id: 'A1', type: 'allowed_values', field: 'VisitName', ...base };
      expect(problemsOf({ ...allowed, values: ['Baseline'], from: 'study_visits' }).from).toEqual(['give either values or from, not both']);
      expect(problemsOf(allowed).values).toEqual(['is required unless from is given: the allowed values, or from: the study list they come from']);
      const pattern = { id: 'P1', type: 'pattern', field: 'SubjectID', ...base };
      expect(problemsOf({ ...pattern, regex: 'S-\\d+', from: 'study_subject_id_format' }).from).toEqual(['give either regex or from, not both']);
      expect(problemsOf(pattern).regex).toEqual(['is required unless from is given: the regular expression, or from: study_subject_id_format']);
    });

    it('a study list that does not fit the field', () => {
      expect(problemsOf({ id: 'A1', type: 'allowed_values', field: 'TreatmentArm', from: 'study_visits', ...base }).from).toEqual([
        'study_visits lists values of VisitName, not of TreatmentArm',
      ]);
      expect(problemsOf({ id: 'P1', type: 'pattern', field: 'VisitName', from: 'study_subject_id_format', ...base }).from).toEqual([
        'study_subject_id_format is the format of SubjectID, not of VisitName',
      ]);
    });

    it('empty, repeated or oversized lists', () => {
      const allowed = { id: 'A1', type: 'allowed_values', field: 'VisitName', ...base };
      expect(problemsOf({ ...allowed, values: [] }).values).toEqual(['must not be empty']);
      expect(problemsOf({ ...allowed, values: ['Baseline', 'Baseline'] })['values[1]']).toEqual(['"Baseline" is listed twice']);
      expect(problemsOf({ ...allowed, values: ['Baseline', 7] })['values[1]']).toEqual(['must be a string (not number 7)']);
      expect(problemsOf({ ...allowed, values: Array.from({ length: 501 }, (_, i) => `V${i}`) }).values).toEqual(['must have at most 500 entries (it has 501)']);
      expect(problemsOf({ id: 'U1', type: 'unique', fields: ['SubjectID', 'HeartRate'], ...base })['fields[1]']).toEqual([
        'must be one of the text fields: SubjectID, VisitName, TreatmentArm, SiteID (not "HeartRate")',
      ]);
    });

    it('a comparison of a field with itself, or with an unknown operator', () => {
      const comparison = { id: 'C1', type: 'comparison', left: 'SystolicBP', operator: '>=', right: 'SystolicBP', ...base };
      expect(problemsOf(comparison).right).toEqual(['must be another field than left (SystolicBP)']);
      expect(problemsOf({ ...comparison, right: 'DiastolicBP', offset: 2.5 }).offset).toEqual(['must be a whole number']);
      expect(problemsOf({ ...comparison, right: 'DiastolicBP', operator: '=>' }).operator).toEqual(['must be one of >=, >, <=, <, =, != (not "=>")']);
    });

    it('a constant SubjectID within a subject (true by definition)', () => {
      expect(problemsOf({ id: 'K1', type: 'constant_within_subject', field: 'SubjectID', ...base }).field).toEqual([expect.stringMatching(/^cannot be SubjectID/)]);
    });

    it('an invalid or unsafe regular expression', () => {
      const pattern = { id: 'P1', type: 'pattern', field: 'SubjectID', ...base };
      expect(problemsOf({ ...pattern, regex: '([A-Z]' }).regex).toEqual(['is not a valid regular expression: Unterminated group']);
      expect(problemsOf({ ...pattern, regex: '(?<=S)-\\d+' }).regex).toEqual(['uses a lookbehind ((?<= or (?<!), which is not supported']);
      expect(problemsOf({ ...pattern, regex: 'A'.repeat(201) }).regex).toEqual(['must be at most 200 characters (it has 201)']);
    });

    it('ids that do not match the id format', () => {
      for (const id of ['vs001', 'V', '1VS', 'VS 001', `V${'S'.repeat(32)}`]) {
        expect(problemsOf({ ...range, id }).id?.[0]).toMatch(/^must be (an upper-case letter, then 1 to 31|at most 32 characters)/);
      }
      expect(problemsOf({ ...range, id: 7 }).id).toEqual(['must be a string (not number 7)']);
      expect(problemsOf({ ...range, id: 'EXPORT' }).id).toEqual(['EXPORT is reserved: /quality/checks/rules/export is a route of its own (paths are case-insensitive)']);
    });

    it('a message that is empty, blank or over 500 characters, or holds control characters', () => {
      expect(problemsOf({ ...range, message: '' }).message).toEqual(['must not be empty']);
      expect(problemsOf({ ...range, message: '   ' }).message).toEqual(['must not be empty']);
      expect(problemsOf({ ...range, message: 'x'.repeat(501) }).message).toEqual(['must be at most 500 characters (it has 501)']);
      expect(problemsOf({ ...range, message: 'a\u0000b' }).message).toEqual(['must not contain control characters other than tab and newline']);
      expect(parseRule({ ...range, message: 'Line one.\nLine two.' }).message).toBe('Line one.\nLine two.');
    });

    it('a severity outside critical, major, minor, and enabled that is not a boolean', () => {
      expect(problemsOf({ ...range, severity: 'high' }).severity).toEqual(['must be one of critical, major, minor (not "high")']);
      expect(problemsOf({ ...range, enabled: 'yes' }).enabled).toEqual(['must be true or false (not the text "yes")']);
    });

    it('fields named after Object.prototype or inherited through __proto__', () => {
      const polluted = JSON.parse('{"id":"R1","type":"range","field":"SystolicBP","severity":"major","message":"m","__proto__":{"min":1}}');
      const problems = problemsOf(polluted);
      expect(Object.keys(problems)).toEqual(['__proto__', 'min']);
      expect(problems['__proto__']).toEqual([expect.stringMatching(/^is not a field of a range rule/)]);
      expect(problems.min).toEqual([expect.stringMatching(/^a range rule needs at least one limit/)]);
      expect(problemsOf({ ...range, constructor: 'x' }).constructor).toEqual([expect.stringMatching(/^is not a field of a range rule/)]);
      const inherited = Object.create({ min: 1 }) as Record<string, unknown>;
      Object.assign(inherited, range);
      expect(problemsOf(inherited)).toEqual({ rule: ["must be an object with the rule's fields (not object)"] });
    });

    it('lists every problem at once, under the given path, and names the rule in the message', () => {
      try {
        parseRule({ ...range, id: 'BAD', min: 300, severity: 'high' }, 'rules[4]');
        throw new Error('accepted');
      } catch (error) {
        expect(error).toBeInstanceOf(RuleDefinitionError);
        const { message, details } = error as RuleDefinitionError;
        expect(details.map((detail) => detail.field)).toEqual(['rules[4].severity', 'rules[4].min']);
        expect(message).toBe(
          'The rule BAD is not valid: rules[4].severity: must be one of critical, major, minor (not "high"); rules[4].min: must not be greater than max (180)',
        );
        expect((error as RuleDefinitionError).getStatus()).toBe(400);
      }
    });
  });
});
