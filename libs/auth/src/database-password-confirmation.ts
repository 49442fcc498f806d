import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../../config/src/index.js';
import { CacheService } from '../../database/src/index.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { decoyHash, verifyPassword } from './password.js';
import { type PasswordCheck, PasswordChecksLockedException, PasswordConfirmation } from './password-confirmation.js';
import { accountSignInAttemptsKey } from './sign-in-attempts.js';

interface UserRow {
  username: string;
  full_name: string | null;
  password_hash: string;
}

/**
 * Checks the password against the users table. Like sign-in, the attempt is counted before the
 * password is checked, so parallel guesses cannot outrun the limit; a right password takes its
 * own attempt back (earlier failures stay counted until they expire or an admin unlocks).
 */
@Injectable()
export class DatabasePasswordConfirmation extends PasswordConfirmation {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: CacheService,
    private readonly config: PlatformConfig,
  ) {
    super();
  }

  async confirm(user: AuthenticatedUser, password: string): Promise<PasswordCheck> {
    const attemptsKey = accountSignInAttemptsKey(user.username);
    const attempts = await this.cache.hitWindow(attemptsKey, this.config.LOGIN_LOCK_SECONDS);
    if (attempts.count > this.config.LOGIN_MAX_FAILURES) throw new PasswordChecksLockedException(attempts.secondsLeft);
    const rows: UserRow[] = await this.dataSource.query(`SELECT username, full_name, password_hash FROM users WHERE id = $1 AND active`, [user.id]);
    const row = rows[0];
    // A deactivated account is checked against a decoy, so the answer takes as long either way.
    const matches = await verifyPassword(password, row?.password_hash ?? (await decoyHash()));
    if (!row || !matches) return { confirmed: false };
    await this.cache.unhitWindow(attemptsKey);
    return { confirmed: true, user: { id: user.id, username: row.username, fullName: row.full_name } };
  }
}
