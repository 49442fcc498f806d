import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, REQUIRED_ROLES, type RequestWithUser } from './decorators.js';
import type { Role } from './roles.js';
import { SessionStatusService } from './session-status.service.js';
import { TokenService } from './token.service.js';

/** The one guard of every process: a valid token for every route not marked @Public, and the route's roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly sessions: SessionStatusService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const token = bearerToken(request.headers.authorization);
    const claims = this.tokens.verifyAccess(token);
    const user = await this.sessions.resolve(claims, token);
    request.user = user;
    const allowed = this.reflector.getAllAndOverride<readonly Role[] | undefined>(REQUIRED_ROLES, targets);
    if (allowed && !user.roles.some((role) => allowed.includes(role))) {
      throw new ForbiddenException(`This needs one of the roles ${allowed.join(', ')}; you have ${user.roles.join(', ') || 'none'}`);
    }
    return true;
  }
}

function bearerToken(header: string | undefined): string {
  const token = bearerTokenOf(header);
  if (!token) {
    throw new UnauthorizedException('Sign in first: send Authorization: Bearer <access token> from POST /security/auth/login');
  }
  return token;
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}
