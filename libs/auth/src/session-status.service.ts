import { Injectable, UnauthorizedException } from '@nestjs/common';
import { CacheService } from '../../database/src/index.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { SessionDirectory } from './session-directory.js';
import type { AccessClaims } from './token.service.js';

/** Cached sessions live briefly: an invalidation lost to a Redis outage still ends within this. */
const SESSION_CACHE_SECONDS = 60;

export const sessionTag = (sessionId: string): string => `auth:session:${sessionId}`;
export const userTag = (userId: string): string => `auth:user:${userId}`;

/**
 * Resolves a verified token to its user on every request, through the cache (one Redis round
 * trip when warm). Logout, token-reuse detection and user changes invalidate the tags, so a
 * revoked session or a deactivated user is refused on the next request.
 */
@Injectable()
export class SessionStatusService {
  constructor(
    private readonly directory: SessionDirectory,
    private readonly cache: CacheService,
  ) {}

  async resolve(claims: AccessClaims, token: string): Promise<AuthenticatedUser> {
    const found = await this.cache.readThrough(
      `auth:session-user:${claims.sid}:${claims.sub}`,
      async () => (await this.directory.find(claims, token)) ?? null,
      { ttlSeconds: SESSION_CACHE_SECONDS, tags: [sessionTag(claims.sid), userTag(claims.sub)] },
    );
    if (!found || found.id !== claims.sub) {
      throw new UnauthorizedException('The session has ended (signed out, revoked or the account was deactivated): sign in again');
    }
    return found;
  }
}
