import { HttpException, HttpStatus } from '@nestjs/common';
import type { AuthenticatedUser } from './authenticated-user.js';

/** The signed-in user, their password confirmed, as the database holds them now. */
export interface ConfirmedUser {
  id: string;
  username: string;
  /** The printed name a signature shows; null until an admin sets it. */
  fullName: string | null;
}

export type PasswordCheck = { confirmed: true; user: ConfirmedUser } | { confirmed: false };

/** The 429 once an account's failed password checks reach the sign-in limit; `retryAfterSeconds` becomes `Retry-After`. */
export class PasswordChecksLockedException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      `Too many failed password attempts; sign-in and signing are locked for ${Math.ceil(retryAfterSeconds / 60)} minute(s), or until an admin unlocks the account`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Re-checks the password of a user who is already signed in, for acts that need both components
 * of an electronic signature (the token's identity and the password: 21 CFR 11.200). A wrong
 * password counts toward the account's sign-in lock; past the limit every check is refused with
 * `PasswordChecksLockedException` without looking at the password.
 */
export abstract class PasswordConfirmation {
  abstract confirm(user: AuthenticatedUser, password: string): Promise<PasswordCheck>;
}
