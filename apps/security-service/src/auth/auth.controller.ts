import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, CurrentUser, Public } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { UsersService } from '../users/users.service.js';
import { UserResponse } from '../users/dto/user.response.js';
import { LoginDto, RefreshDto, ValidateTokenDto } from './dto/auth.dto.js';
import { TokenResponseBody, TokenValidationBody } from './dto/token.response.js';
import { AuthService } from './auth.service.js';

@ApiFeature('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'login', summary: 'Sign in: an access token and a refresh token' })
  @ApiOkResponse({ type: TokenResponseBody })
  @ApiError(HttpStatus.UNAUTHORIZED, 'Wrong username or password (the same answer for a user that does not exist or is deactivated)')
  @ApiError(
    HttpStatus.TOO_MANY_REQUESTS,
    'Too many failed sign-ins for the account (an admin can unlock it) or the client address, or the gateway\'s rate limits; Retry-After gives the seconds until the lock ends',
    { retryAfter: true },
  )
  login(@Body() body: LoginDto, @Actor() actor: AuditActor): Promise<TokenResponseBody> {
    return this.auth.login(body.username, body.password, actor);
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'refreshTokens', summary: 'New tokens for a refresh token, which is used up (presenting it again ends the session)' })
  @ApiOkResponse({ type: TokenResponseBody })
  @ApiError(HttpStatus.UNAUTHORIZED, 'The refresh token is unknown, used up, expired, or its session has ended')
  refresh(@Body() body: RefreshDto, @Actor() actor: AuditActor): Promise<TokenResponseBody> {
    return this.auth.refresh(body.refresh_token, actor);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'logout', summary: 'End this session: its tokens stop working at once' })
  @ApiNoContentResponse({ description: 'signed out' })
  logout(@CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<void> {
    return this.auth.logout(user, actor);
  }

  @Get('me')
  @ApiOperation({ operationId: 'getMe', summary: 'Your user, roles and sites' })
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserResponse> {
    return this.users.get(user.id);
  }

  @Public()
  @Post('validate')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'validateToken', summary: 'Whether an access token is valid now, and whose it is (for the gateway and other services)' })
  @ApiOkResponse({ type: TokenValidationBody })
  validate(@Body() body: ValidateTokenDto): Promise<TokenValidationBody> {
    return this.auth.validate(body.token);
  }
}
