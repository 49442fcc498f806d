import type { Role } from './roles.js';

/** The caller of a request, as verified by the auth guard (from the token and the session store). */
export interface AuthenticatedUser {
  id: string;
  username: string;
  roles: Role[];
  /** Sites the user is limited to; empty means every site. */
  siteIds: string[];
  sessionId: string;
}

export function isSiteLimited(user: AuthenticatedUser): boolean {
  return user.siteIds.length > 0;
}

export function mayAccessSite(user: AuthenticatedUser, siteId: string | null): boolean {
  return !isSiteLimited(user) || (siteId !== null && user.siteIds.includes(siteId));
}
