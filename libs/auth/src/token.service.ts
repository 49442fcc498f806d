import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { PlatformConfig } from '../../config/src/index.js';

export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Session id: revoking the session revokes its access tokens. */
  sid: string;
}

const ISSUER = 'clinical-trial-platform';
const AUDIENCE = 'clinical-trial-platform-api';

/** Short-lived HS256 access tokens. Only HS256 is accepted, which rules out `alg: none` and key confusion. */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;

  constructor(private readonly config: PlatformConfig) {
    this.jwt = new JwtService({ secret: config.JWT_SECRET });
  }

  get accessTtlSeconds(): number {
    return this.config.JWT_ACCESS_TTL_SECONDS;
  }

  signAccess(claims: AccessClaims): string {
    return this.jwt.sign(
      { sid: claims.sid },
      { subject: claims.sub, issuer: ISSUER, audience: AUDIENCE, algorithm: 'HS256', expiresIn: this.accessTtlSeconds },
    );
  }

  /** Throws 401 with a reason a client can act on. */
  verifyAccess(token: string): AccessClaims {
    try {
      const payload = this.jwt.verify<{ sub?: string; sid?: string }>(token, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new Error('claims missing');
      return { sub: payload.sub, sid: payload.sid };
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new UnauthorizedException(
        expired ? 'The access token has expired: get a new one with POST /security/auth/refresh' : 'The access token is not valid',
      );
    }
  }
}
