import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { configuredOrLocalSecret, PlatformConfig } from '../../config/src/index.js';

export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Session id: revoking the session revokes its access tokens. */
  sid: string;
}

const ISSUER = 'clinical-trial-platform';
const AUDIENCE = 'clinical-trial-platform-api';
/** Tokens already verified, so a client's next requests skip the HMAC; bounded, entries end at the token's expiry. */
const VERIFIED_CACHE_SIZE = 10_000;

/** Short-lived HS256 access tokens. Only HS256 is accepted, which rules out `alg: none` and key confusion. */
@Injectable()
export class TokenService {
  /** A key object: given a string, jsonwebtoken tries to parse it as a public key on every call first. */
  private readonly key: KeyObject;
  private readonly verified = new Map<string, AccessClaims & { expiresAtMs: number }>();

  constructor(private readonly config: PlatformConfig) {
    this.key = createSecretKey(Buffer.from(configuredOrLocalSecret(config, 'JWT_SECRET'), 'utf8'));
  }

  get accessTtlSeconds(): number {
    return this.config.JWT_ACCESS_TTL_SECONDS;
  }

  signAccess(claims: AccessClaims): string {
    return jwt.sign({ sid: claims.sid }, this.key, {
      subject: claims.sub,
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithm: 'HS256',
      expiresIn: this.accessTtlSeconds,
    });
  }

  /** Throws 401 with a reason a client can act on. */
  verifyAccess(token: string): AccessClaims {
    const known = this.verified.get(token);
    if (known && known.expiresAtMs > Date.now()) return { sub: known.sub, sid: known.sid };
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }) as jwt.JwtPayload;
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new UnauthorizedException(
        expired ? 'The access token has expired: get a new one with POST /security/auth/refresh' : 'The access token is not valid',
      );
    }
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') {
      throw new UnauthorizedException('The access token is not valid');
    }
    this.remember(token, { sub: payload.sub, sid: payload.sid, expiresAtMs: payload.exp * 1000 });
    return { sub: payload.sub, sid: payload.sid };
  }

  private remember(token: string, entry: AccessClaims & { expiresAtMs: number }): void {
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, entry);
  }
}
