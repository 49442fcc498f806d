import { ACCESS } from '../../../../libs/auth/src/index.js';

/** A user as the security service's directory (security_user_directory) publishes them. */
export interface DirectoryUser {
  id: string;
  username: string;
  roles: string[];
  /** Empty: a user of every site. */
  site_ids: string[];
  active: boolean;
}

const ANSWERING_ROLES: readonly string[] = ACCESS.answerQueries;

/**
 * Why `user` cannot be assigned a query of `querySite` (empty when they can): they must be active,
 * hold a role that answers queries and see the query's site.
 *
 * A caller limited to sites (`callerScope`; null for a caller of every site) learns about the user
 * only as far as they share a site: a user of every site, or of one of the caller's sites, is named
 * with their username, roles and the sites among the caller's; any other user only by the id the
 * caller sent, with the condition that fails, never their username, roles or other sites' names.
 */
export function assigneeProblems(user: DirectoryUser, querySite: string | null, callerScope: readonly string[] | null): string[] {
  const limited = user.site_ids.length > 0;
  const sharesASite = callerScope === null || !limited || user.site_ids.some((site) => callerScope.includes(site));
  const answers = user.roles.some((role) => ANSWERING_ROLES.includes(role));
  const seesSite = !limited || (querySite !== null && user.site_ids.includes(querySite));
  if (!sharesASite) {
    const conditions: string[] = [];
    if (!user.active) conditions.push('the user is deactivated');
    if (!answers) conditions.push(`the user holds no role that answers queries (${ANSWERING_ROLES.join(', ')})`);
    if (!seesSite) conditions.push(querySite === null ? 'the user is limited to some sites and the query has no site' : `the user does not see the query's site ${querySite}`);
    return conditions.map((condition) => `user ${user.id} cannot be assigned this query: ${condition}`);
  }
  const who = `user ${user.username} (${user.id})`;
  const problems: string[] = [];
  if (!user.active) problems.push(`${who} is deactivated: assign an active user`);
  if (!answers) problems.push(`${who} holds no role that answers queries (${ANSWERING_ROLES.join(', ')}); their roles: ${user.roles.join(', ') || 'none'}`);
  if (!seesSite && querySite === null) {
    problems.push(`${who} is limited to some sites and the query has no site: only a user of every site can answer it`);
  } else if (!seesSite) {
    const shown = callerScope === null ? user.site_ids : user.site_ids.filter((site) => callerScope.includes(site));
    const label = callerScope === null ? 'their sites' : 'their sites among yours';
    problems.push(`${who} does not see the query's site ${querySite} (${label}: ${shown.join(', ')})`);
  }
  return problems;
}
