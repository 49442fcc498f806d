import { MissingStratificationFactor, stratumOf } from './strata.js';

const subject = { siteId: 'S01', consentDate: '2026-02-01', demographics: { sex: 'F' as const, birth_year: 1961, race: 'ASIAN' } };

describe('strata', () => {
  it('is the site when the study names no factors', () => {
    expect(stratumOf(subject, [])).toBe('site=S01');
    expect(stratumOf({ ...subject, siteId: null }, [])).toBe('site=none');
  });

  it('is the factors the study names, in its order', () => {
    expect(stratumOf(subject, ['site'])).toBe('site=S01');
    expect(stratumOf(subject, ['site', 'sex', 'age_group'])).toBe('site=S01|sex=F|age_group=>=65');
    expect(stratumOf(subject, ['age_group', 'race'])).toBe('age_group=>=65|race=ASIAN');
    expect(stratumOf({ ...subject, demographics: { sex: 'M', age: 64 } }, ['site', 'age_group'])).toBe('site=S01|age_group=<65');
  });

  it('leaves the site out when the study stratifies by other factors only (one sequence across sites)', () => {
    expect(stratumOf({ ...subject, siteId: 'S02' }, ['sex'])).toBe(stratumOf(subject, ['sex']));
  });

  it('refuses a subject without a value the study stratifies by', () => {
    expect(() => stratumOf(subject, ['ethnicity'])).toThrow(MissingStratificationFactor);
    expect(() => stratumOf({ ...subject, demographics: { sex: 'F' } }, ['age_group'])).toThrow(/age or a birth year/);
  });
});
