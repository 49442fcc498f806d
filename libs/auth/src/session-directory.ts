import type { AuthenticatedUser } from './authenticated-user.js';
import type { AccessClaims } from './token.service.js';

/** Where a verified token's session is looked up: is it still open, and who is its user now? */
export abstract class SessionDirectory {
  /** The user behind an open session, or undefined when the session or the user is no longer valid. */
  abstract find(claims: AccessClaims, token: string): Promise<AuthenticatedUser | undefined>;
}
