import { ageAtConsent, demographicsProblems, mergeDemographics } from './demographics.js';

describe('demographics', () => {
  it('needs sex and exactly one of birth year and age', () => {
    expect(demographicsProblems({ sex: 'F', age: 40 }, '2026-01-10')).toEqual([]);
    expect(demographicsProblems({ sex: 'M', birth_year: 1980 }, '2026-01-10')).toEqual([]);
    expect(demographicsProblems({ age: 40 }, '2026-01-10')).toEqual([{ field: 'demographics.sex', problems: ['is required (F, M, U)'] }]);
    expect(demographicsProblems({ sex: 'F' }, '2026-01-10')).toEqual([
      { field: 'demographics.birth_year', problems: ['give birth_year or age (age in years at consent)'] },
    ]);
    expect(demographicsProblems({ sex: 'F', age: 40, birth_year: 1986 }, '2026-01-10')).toEqual([
      { field: 'demographics.age', problems: ['give birth_year or age, not both'] },
    ]);
  });

  it('refuses a birth year after consent or making the subject older than 120 at consent', () => {
    expect(demographicsProblems({ sex: 'F', birth_year: 2027 }, '2026-01-10')[0].problems[0]).toMatch(/after the consent date/);
    expect(demographicsProblems({ sex: 'F', birth_year: 1900 }, '2026-01-10')[0].problems[0]).toMatch(/126 at consent/);
  });

  it('takes the age at consent as given, or from the birth year and the consent year', () => {
    expect(ageAtConsent({ age: 70 }, '2026-01-10')).toBe(70);
    expect(ageAtConsent({ birth_year: 1961 }, '2026-01-10')).toBe(65);
    expect(ageAtConsent({}, '2026-01-10')).toBeNull();
  });

  it('applies a correction: null clears, birth year and age replace each other, other fields stay', () => {
    const stored = { sex: 'F' as const, age: 40, race: 'ASIAN', weight_kg: 60 };
    expect(mergeDemographics(stored, { birth_year: 1985, race: null })).toEqual({ sex: 'F', birth_year: 1985, weight_kg: 60 });
    expect(mergeDemographics({ sex: 'M', birth_year: 1985 }, { age: 41 })).toEqual({ sex: 'M', age: 41 });
  });
});
