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
 * hold a role that answers queries and see the query's site. The user's own sites are named only
 * as far as the caller (`callerScope`, null for a caller of every site) may see them: a site-limited caller never learns the names
 * of other sites.
 */
export function assigneeProblems(user: DirectoryUser, querySite: string | null, callerScope: readonly string[] | null): string[] {
  const who = `user ${user.username} (${user.id})`;
  const problems: string[] = [];
  if (!user.active) problems.push(`${who} is deactivated: assign an active user`);
  if (!user.roles.some((role) => ANSWERING_ROLES.includes(role))) {
    problems.push(`${who} holds no role that answers queries (${ANSWERING_ROLES.join(', ')}); their roles: ${user.roles.join(', ') || 'none'}`);
  }
  const limited = user.site_ids.length > 0;
  if (limited && querySite === null) {
    problems.push(`${who} is limited to some sites and the query has no site: only a user of every site can answer it`);
  } else if (limited && !user.site_ids.includes(querySite!)) {
    const shown = callerScope === null ? user.site_ids : user.site_ids.filter((site) => callerScope.includes(site));
    const label = callerScope === null ? 'their sites' : 'their sites among yours';
    problems.push(`${who} does not see the query's site ${querySite}` + (shown.length > 0 ? ` (${label}: ${shown.join(', ')})` : ''));
  }
  return problems;
}
