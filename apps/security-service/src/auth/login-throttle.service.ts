import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';

/**
 * Sign-in attempts are counted per account and per client address (in Redis, so every process
 * sees them) *before* the password is checked, so a burst of parallel guesses cannot outrun the
 * count; a successful sign-in takes its attempt back. Past the limit, sign-in is refused for
 * LOGIN_LOCK_SECONDS with the same answer whether the account exists or not.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly cache: CacheService,
    private readonly config: PlatformConfig,
  ) {}

  async admit(username: string, clientAddress: string): Promise<void> {
    const [account, client] = await Promise.all([
      this.cache.hitWindow(accountKey(username), this.config.LOGIN_LOCK_SECONDS),
      this.cache.hitWindow(clientKey(clientAddress), this.config.LOGIN_LOCK_SECONDS),
    ]);
    const lockedFor = Math.max(
      account.count > this.config.LOGIN_MAX_FAILURES ? account.secondsLeft : 0,
      client.count > this.config.LOGIN_MAX_FAILURES_PER_CLIENT ? client.secondsLeft : 0,
    );
    if (lockedFor > 0) {
      throw new HttpException(
        {
          message: `Too many failed sign-in attempts; sign-in is locked for ${Math.ceil(lockedFor / 60)} minute(s)`,
          retryAfterSeconds: lockedFor,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  async succeeded(username: string, clientAddress: string): Promise<void> {
    await Promise.all([this.cache.resetWindow(accountKey(username)), this.cache.unhitWindow(clientKey(clientAddress))]);
  }
}

const accountKey = (username: string): string => `auth:login-attempts:account:${username.toLowerCase()}`;
const clientKey = (address: string): string => `auth:login-attempts:client:${address}`;
