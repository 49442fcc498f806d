import { sequenceLockKey, sequencePattern, sequencedPerSite, subjectNumberAt } from './subject-numbering.js';

/** The pattern as PostgreSQL would apply it (its regular expressions agree with JavaScript's on these). */
const sequenceOf = (pattern: string, subjectNumber: string): string | null => new RegExp(pattern).exec(subjectNumber)?.[1] ?? null;

describe('subject numbering', () => {
  it('matches the numbers of a study-wide format, capturing the sequence', () => {
    const pattern = sequencePattern('RA001-{seq:3}', 'S01');
    expect(sequenceOf(pattern, 'RA001-007')).toBe('007');
    expect(sequenceOf(pattern, 'RA001-1234')).toBe('1234');
    expect(sequenceOf(pattern, 'RA001-00A')).toBeNull();
    expect(sequenceOf(pattern, 'XRA001-007')).toBeNull();
    expect(sequenceOf(pattern, 'RA001-007-2')).toBeNull();
  });

  it('escapes dots and other literal characters', () => {
    const pattern = sequencePattern('P.1_{seq}', null);
    expect(sequenceOf(pattern, 'P.1_12')).toBe('12');
    expect(sequenceOf(pattern, 'PX1_12')).toBeNull();
  });

  it('counts per site when the format names the site', () => {
    expect(sequencedPerSite('{site}-{seq:4}')).toBe(true);
    expect(sequencedPerSite('RA001-{seq:3}')).toBe(false);
    const pattern = sequencePattern('{site}-{seq:4}', 'S.01');
    expect(sequenceOf(pattern, 'S.01-0003')).toBe('0003');
    expect(sequenceOf(pattern, 'S02-0003')).toBeNull();
    expect(sequenceOf(pattern, 'SX01-0003')).toBeNull();
    expect(sequenceLockKey('P1', '{site}-{seq:4}', 'S01')).not.toBe(sequenceLockKey('P1', '{site}-{seq:4}', 'S02'));
    expect(sequenceLockKey('P1', 'RA-{seq}', 'S01')).toBe(sequenceLockKey('P1', 'RA-{seq}', 'S02'));
  });

  it('does not count a sequence too long for a bigint', () => {
    expect(sequenceOf(sequencePattern('A{seq}', null), `A${'9'.repeat(19)}`)).toBeNull();
  });

  it('writes the sequence number zero-padded, and a larger one in full', () => {
    expect(subjectNumberAt('RA001-{seq:3}', 'S01', 7)).toBe('RA001-007');
    expect(subjectNumberAt('RA001-{seq:3}', 'S01', 1234)).toBe('RA001-1234');
    expect(subjectNumberAt('{site}-{seq:4}', 'S01', 12)).toBe('S01-0012');
    expect(subjectNumberAt('X{seq}', null, 5)).toBe('X5');
  });
});
