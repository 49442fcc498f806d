import { Body, Controller, Get, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, CurrentUser, Public } from '../../../../libs/auth/src/index.js';
import { UsersService } from '../users/users.service.js';
import type { UserResponse } from '../users/dto/user.response.js';
import { LoginDto, RefreshDto, type TokenResponse, ValidateTokenDto } from './dto/auth.dto.js';
import { AuthService } from './auth.service.js';
import { SignInLockedException } from './login-throttle.service.js';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  async login(@Body() body: LoginDto, @Actor() actor: AuditActor, @Res({ passthrough: true }) response: Response): Promise<TokenResponse> {
    try {
      return await this.auth.login(body.username, body.password, actor);
    } catch (error) {
      if (error instanceof SignInLockedException) response.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  refresh(@Body() body: RefreshDto, @Actor() actor: AuditActor): Promise<TokenResponse> {
    return this.auth.refresh(body.refresh_token, actor);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  logout(@CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<void> {
    return this.auth.logout(user, actor);
  }

  @Get('me')
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserResponse> {
    return this.users.get(user.id);
  }

  @Public()
  @Post('validate')
  @HttpCode(HttpStatus.OK)
  validate(@Body() body: ValidateTokenDto) {
    return this.auth.validate(body.token);
  }
}
