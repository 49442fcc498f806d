import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { accountSignInAttemptsKey } from '../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import { isAccountUsername } from '../users/username.js';

/** The 429 of a locked sign-in; the error filter turns `retryAfterSeconds` into a `Retry-After` header. */
export class SignInLockedException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    lockedOut: 'account' | 'client address',
  ) {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    super(
      lockedOut === 'account'
        ? `Too many failed sign-in attempts; sign-in is locked for ${minutes} minute(s), or until an admin unlocks the account`
        : `Too many failed sign-in attempts from this client address; sign-in from it is locked for ${minutes} minute(s)`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Sign-in attempts are counted per account and per client address (in Redis, so every process
 * sees them) *before* the password is checked, so a burst of parallel guesses cannot outrun the
 * count; a successful sign-in takes its attempt back. Past the limit, sign-in is refused for
 * LOGIN_LOCK_SECONDS with the same answer whether the account exists or not.
 *
 * A name outside the account character set names no account: it is counted against the client
 * only, never under an account key of its own (`İnv1` must not get fresh attempts beside `inv1`).
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly cache: CacheService,
    private readonly config: PlatformConfig,
  ) {}

  async admit(username: string, clientAddress: string): Promise<void> {
    const window = this.config.LOGIN_LOCK_SECONDS;
    const [account, client] = await Promise.all([
      isAccountUsername(username) ? this.cache.hitWindow(accountKey(username), window) : { count: 0, secondsLeft: 0 },
      this.cache.hitWindow(clientKey(clientAddress), window),
    ]);
    const accountLock = account.count > this.config.LOGIN_MAX_FAILURES ? account.secondsLeft : 0;
    const clientLock = client.count > this.config.LOGIN_MAX_FAILURES_PER_CLIENT ? client.secondsLeft : 0;
    // The client's lock is named first when both hold: an admin's unlock of the account cannot end it.
    if (clientLock > 0) throw new SignInLockedException(Math.max(accountLock, clientLock), 'client address');
    if (accountLock > 0) throw new SignInLockedException(accountLock, 'account');
  }

  async succeeded(username: string, clientAddress: string): Promise<void> {
    await Promise.all([this.cache.resetWindow(accountKey(username)), this.cache.unhitWindow(clientKey(clientAddress))]);
  }

  /** The account's failed attempts in the current window. */
  async attempts(username: string): Promise<number> {
    return (await this.cache.peekWindow(accountKey(username))).count;
  }

  /** Forgets the account's failed attempts (an admin's unlock). */
  async unlock(username: string): Promise<void> {
    await this.cache.resetWindow(accountKey(username));
  }
}

/** Shared with password re-confirmation (e-signatures): one count of wrong passwords per account. */
const accountKey = accountSignInAttemptsKey;
const clientKey = (address: string): string => `auth:login-attempts:client:${address}`;
