import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, AuditService } from '../../../../libs/audit/src/index.js';
import {
  type AuthenticatedUser,
  decoyHash,
  SessionStatusService,
  sessionTag,
  TokenService,
  verifyPassword,
} from '../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import type { TokenResponse } from './dto/auth.dto.js';
import { isAccountUsername } from '../users/username.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { hashRefreshToken, newRefreshToken } from './refresh-token.js';

const INVALID_LOGIN = 'Invalid username or password';

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  roles: string[];
  active: boolean;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly sessions: SessionStatusService,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditService,
    private readonly cache: CacheService,
    private readonly config: PlatformConfig,
  ) {}

  async login(username: string, password: string, actor: AuditActor): Promise<TokenResponse> {
    const client = actor.clientAddress ?? 'unknown';
    await this.throttle.admit(username, client);
    // A name outside the account character set is answered like an unknown one, without a lookup:
    // PostgreSQL's lower() would map some of them (`İnv1`) onto an account.
    const [user] = isAccountUsername(username)
      ? ((await this.dataSource.query(
          'SELECT id, username, password_hash, roles, active FROM users WHERE lower(username) = lower($1)',
          [username],
        )) as UserRow[])
      : [];
    const passwordMatches = await verifyPassword(password, user?.password_hash ?? (await decoyHash()));
    if (!user || !passwordMatches || !user.active) {
      await this.dataSource.transaction((db) =>
        this.audit.record(db, actor, [
          { action: 'login_failed', entityType: 'user', entityId: user?.id ?? null, changes: { attempted_username: { old: null, new: username } } },
        ]),
      );
      throw new UnauthorizedException(INVALID_LOGIN);
    }
    await this.throttle.succeeded(username, client);
    return this.dataSource.transaction(async (db) => {
      const [session] = (await db.query(
        `INSERT INTO auth_sessions (user_id, client_address, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING id`,
        [user.id, actor.clientAddress, this.config.REFRESH_TOKEN_TTL_SECONDS],
      )) as Array<{ id: string }>;
      await db.query('UPDATE users SET last_login_at = now() WHERE id = $1', [user.id]);
      const who = { ...actor, userId: user.id, username: user.username, role: user.roles.join(',') };
      await this.audit.record(db, who, [{ action: 'login', entityType: 'user', entityId: user.id }]);
      return this.issueTokens(db, user.id, session.id);
    });
  }

  /** Rotates the refresh token. Presenting one already used means it leaked: the whole session is revoked. */
  async refresh(refreshToken: string, actor: AuditActor): Promise<TokenResponse> {
    const outcome = await this.dataSource.transaction(async (db) => {
      const [row] = (await db.query(
        `SELECT t.id, t.used_at, s.id AS session_id, s.user_id, s.revoked_at, s.expires_at > now() AS current, u.active
           FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t, s`,
        [hashRefreshToken(refreshToken)],
      )) as Array<{ id: string; used_at: Date | null; session_id: string; user_id: string; revoked_at: Date | null; current: boolean; active: boolean }>;
      if (!row || row.revoked_at || !row.current || !row.active) return { refused: 'The refresh token is not valid: sign in again' };
      if (row.used_at) {
        await this.revokeSession(db, row.session_id, 'refresh_token_reuse');
        await this.cache.recordInvalidation(db, [sessionTag(row.session_id)]);
        await this.audit.record(db, { ...actor, userId: row.user_id }, [
          { action: 'session_revoked', entityType: 'session', entityId: row.session_id, changes: { reason: { old: null, new: 'refresh_token_reuse' } } },
        ]);
        return { refused: 'This refresh token was already used, so the session has been revoked: sign in again', revoked: row.session_id };
      }
      await db.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1', [row.id]);
      return { tokens: await this.issueTokens(db, row.user_id, row.session_id) };
    });
    if (outcome.revoked) {
      this.logger.warn(`refresh token reuse: session ${outcome.revoked} revoked`);
      await this.cache.invalidateTags([sessionTag(outcome.revoked)], { recordedInTransaction: true });
    }
    if (!outcome.tokens) throw new UnauthorizedException(outcome.refused);
    return outcome.tokens;
  }

  async logout(user: AuthenticatedUser, actor: AuditActor): Promise<void> {
    await this.dataSource.transaction(async (db) => {
      await this.revokeSession(db, user.sessionId, 'logout');
      await this.audit.record(db, actor, [{ action: 'logout', entityType: 'session', entityId: user.sessionId }]);
      await this.cache.recordInvalidation(db, [sessionTag(user.sessionId)]);
    });
    await this.cache.invalidateTags([sessionTag(user.sessionId)], { recordedInTransaction: true });
  }

  /** For the gateway and other services: is this access token valid right now, and whose is it? */
  async validate(token: string): Promise<{ valid: true; user: AuthenticatedUser } | { valid: false; reason: string }> {
    try {
      const claims = this.tokens.verifyAccess(token);
      return { valid: true, user: await this.sessions.resolve(claims, token) };
    } catch (error) {
      return { valid: false, reason: (error as Error).message };
    }
  }

  private async issueTokens(db: EntityManager, userId: string, sessionId: string): Promise<TokenResponse> {
    const refresh = newRefreshToken();
    await db.query('INSERT INTO refresh_tokens (session_id, token_hash) VALUES ($1, $2)', [sessionId, refresh.hash]);
    return {
      access_token: this.tokens.signAccess({ sub: userId, sid: sessionId }),
      token_type: 'Bearer',
      expires_in: this.tokens.accessTtlSeconds,
      refresh_token: refresh.token,
      refresh_expires_in: this.config.REFRESH_TOKEN_TTL_SECONDS,
    };
  }

  private async revokeSession(db: EntityManager, sessionId: string, reason: string): Promise<void> {
    await db.query(
      'UPDATE auth_sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL',
      [sessionId, reason],
    );
  }
}
