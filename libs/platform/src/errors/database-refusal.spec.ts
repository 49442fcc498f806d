import { databaseRefusalOf } from './database-refusal.js';

describe('databaseRefusalOf: database errors answered as the request\'s fault or a passing collision, not 500', () => {
  it('answers a rule the database enforces (SQLSTATE CT4xx) with that status and the rule\'s own message', () => {
    const locked = Object.assign(new Error('Visit Week 4 of subject S-1 is locked by dm1 since 2026-03-01T10:00:00Z'), { code: 'CT409' });
    expect(databaseRefusalOf({ message: 'Query failed', driverError: locked })).toEqual({ statusCode: 409, message: locked.message });
  });

  it.each([
    ['a deadlock (40P01)', '40P01', 503],
    ['a serialization failure (40001)', '40001', 503],
    ['a NUL character (22021)', '22021', 400],
    ['an untranslatable character (22P05)', '22P05', 400],
  ])('answers %s', (_what, code, statusCode) => {
    const answer = databaseRefusalOf(Object.assign(new Error('driver message'), { code }));
    expect(answer?.statusCode).toBe(statusCode);
    expect(answer?.message).toMatch(/nothing was stored/);
  });

  it.each([
    ['a unique violation (23505)', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a class other than CT with a 4xx-like code', Object.assign(new Error('x'), { code: 'XX409' })],
    ['a programming error', new TypeError('undefined is not a function')],
    ['nothing', undefined],
  ])('leaves %s alone', (_what, error) => {
    expect(databaseRefusalOf(error)).toBeUndefined();
  });
});
