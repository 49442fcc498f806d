import { loadPlatformConfig } from '../../config/src/index.js';
import { CacheService, MemoryCacheBackend } from '../../database/src/index.js';
import type { DataSource } from 'typeorm';
import type { AuthenticatedUser } from './authenticated-user.js';
import { DatabasePasswordConfirmation } from './database-password-confirmation.js';
import { hashPassword } from './password.js';
import { PasswordChecksLockedException } from './password-confirmation.js';
import { accountSignInAttemptsKey } from './sign-in-attempts.js';

const USER: AuthenticatedUser = { id: '5b0f8b52-3c1e-4a43-9a77-0d7a1f7f0d11', username: 'Inv1', roles: ['investigator'], siteIds: ['S01'], sessionId: 's' };
const PASSWORD = 'the-right-password-1';

describe('DatabasePasswordConfirmation', () => {
  let cache: CacheService;
  let confirmation: DatabasePasswordConfirmation;
  let queries: number;
  let account: { username: string; full_name: string | null; password_hash: string } | undefined;

  beforeAll(async () => {
    account = { username: 'inv1', full_name: 'Dr. Ada Lovelace', password_hash: await hashPassword(PASSWORD) };
  });

  beforeEach(() => {
    cache = new CacheService(new MemoryCacheBackend(), 'spec:', 300);
    queries = 0;
    const dataSource = {
      query: async () => {
        queries += 1;
        return account ? [account] : [];
      },
    } as unknown as DataSource;
    const config = loadPlatformConfig({}, { NODE_ENV: 'test', LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '600' });
    confirmation = new DatabasePasswordConfirmation(dataSource, cache, config);
  });

  const attempts = async () => (await cache.peekWindow(accountSignInAttemptsKey(USER.username))).count;

  it('confirms the right password with the printed name, and takes its attempt back', async () => {
    await expect(confirmation.confirm(USER, PASSWORD)).resolves.toEqual({
      confirmed: true,
      user: { id: USER.id, username: 'inv1', fullName: 'Dr. Ada Lovelace' },
    });
    expect(await attempts()).toBe(0);
  });

  it('counts a wrong password in the sign-in window of the account, whatever the case of the name', async () => {
    await expect(confirmation.confirm(USER, 'a-wrong-password-1')).resolves.toEqual({ confirmed: false });
    expect(await attempts()).toBe(1);
    expect((await cache.peekWindow(accountSignInAttemptsKey('inv1'))).count).toBe(1);
  });

  it('refuses every check past the limit without reading the password, the right one included', async () => {
    for (let n = 0; n < 3; n += 1) await confirmation.confirm(USER, `wrong-${n}-password`);
    const before = queries;
    await expect(confirmation.confirm(USER, PASSWORD)).rejects.toBeInstanceOf(PasswordChecksLockedException);
    expect(queries).toBe(before);
  });

  it('starts from the failures sign-in counted: they share one window', async () => {
    for (let n = 0; n < 3; n += 1) await cache.hitWindow(accountSignInAttemptsKey(USER.username), 600);
    await expect(confirmation.confirm(USER, PASSWORD)).rejects.toThrow(/^Too many failed password attempts/);
  });

  it('answers a deactivated account as not confirmed', async () => {
    const active = account;
    account = undefined;
    await expect(confirmation.confirm(USER, PASSWORD)).resolves.toEqual({ confirmed: false });
    account = active;
  });
});
