import { subjectIdFormatProblem, subjectNumberFrom } from './subject-id-format.js';

describe('subject id formats', () => {
  it.each(['RA001-{seq:3}', '{site}-{seq:4}', '{seq}', 'X.{site}_{seq:9}'])('accepts %s', (format) => {
    expect(subjectIdFormatProblem(format)).toBeNull();
  });

  it.each([
    ['RA001', /0 sequence placeholders/],
    ['{seq}-{seq:2}', /2 sequence placeholders/],
    ['RA-{seq:0}', /unknown placeholder \{seq:0\}/],
    ['RA-{seq:10}', /unknown placeholder \{seq:10\}/],
    ['RA-{subject}-{seq}', /unknown placeholder \{subject\}/],
    ['{site}{site}-{seq}', /more than once/],
    ['RA 001-{seq}', /characters a subject number cannot hold/],
    ['RA-{seq', /characters a subject number cannot hold/],
    ['-RA-{seq}', /must start with/],
    ['', /1 to 100 characters/],
    [`${'A'.repeat(60)}-{seq:9}`, /longer than 64/],
  ])('refuses %s', (format, problem) => {
    expect(subjectIdFormatProblem(format)).toMatch(problem);
  });

  it('numbers subjects with the site and the padded sequence', () => {
    expect(subjectNumberFrom('RA001-{seq:3}', 'S01', 7)).toBe('RA001-007');
    expect(subjectNumberFrom('{site}-{seq:4}', 'S01', 12)).toBe('S01-0012');
    expect(subjectNumberFrom('{seq:2}', null, 1234)).toBe('1234');
  });
});
