import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';

/**
 * Failed sign-ins are counted per account and per client address (in Redis, so every process
 * sees them). Past the limit, sign-in is refused for LOGIN_LOCK_SECONDS with the same answer
 * whether the account exists or not.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly cache: CacheService,
    private readonly config: PlatformConfig,
  ) {}

  async refuseIfLocked(username: string, clientAddress: string): Promise<void> {
    const [account, client] = await Promise.all([
      this.cache.peekWindow(accountKey(username)),
      this.cache.peekWindow(clientKey(clientAddress)),
    ]);
    const lockedFor = Math.max(
      account.count >= this.config.LOGIN_MAX_FAILURES ? account.secondsLeft : 0,
      client.count >= this.config.LOGIN_MAX_FAILURES_PER_CLIENT ? client.secondsLeft : 0,
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

  async recordFailure(username: string, clientAddress: string): Promise<void> {
    await Promise.all([
      this.cache.hitWindow(accountKey(username), this.config.LOGIN_LOCK_SECONDS),
      this.cache.hitWindow(clientKey(clientAddress), this.config.LOGIN_LOCK_SECONDS),
    ]);
  }

  async recordSuccess(username: string): Promise<void> {
    await this.cache.resetWindow(accountKey(username));
  }
}

const accountKey = (username: string): string => `auth:failed-logins:account:${username.toLowerCase()}`;
const clientKey = (address: string): string => `auth:failed-logins:client:${address}`;
