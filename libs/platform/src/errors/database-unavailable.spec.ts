import { isDatabaseUnavailable } from './database-unavailable.js';

describe('isDatabaseUnavailable: which errors answer 503 (try again) instead of 500', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a server shutting down (SQLSTATE 57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['too many connections (53300)', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['a statement timeout (57014)', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['a client-side query timeout', new Error('Query read timeout')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    ['a database closed to connections (55000)', Object.assign(new Error('database "x" is not currently accepting connections'), { code: '55000' })],
    ['a driver error wrapped by TypeORM', { message: 'Query failed', driverError: Object.assign(new Error('Connection terminated unexpectedly'), {}) }],
  ])('%s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })],
    ['another 55000 state', Object.assign(new Error('cannot drop the currently open database'), { code: '55000' })],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['nothing', undefined],
  ])('not %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
