import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { type AuthenticatedUser, ROLES, type Role } from '../../../../../libs/auth/src/index.js';
import type { TokenResponse } from './auth.dto.js';

@ApiSchema({ name: 'TokenResponse' })
export class TokenResponseBody implements TokenResponse {
  @ApiProperty({ description: 'JWT; send it as Authorization: Bearer <access_token>' })
  access_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ type: 'integer', description: 'seconds until the access token expires (JWT_ACCESS_TTL_SECONDS)', example: 900 })
  expires_in!: number;

  @ApiProperty({ description: 'single use: POST /security/auth/refresh answers new tokens for it' })
  refresh_token!: string;

  @ApiProperty({ type: 'integer', description: 'seconds until the session ends (REFRESH_TOKEN_TTL_SECONDS)', example: 43200 })
  refresh_expires_in!: number;
}

/** The user a valid token stands for, as the guard sees it. */
@ApiSchema({ name: 'AuthenticatedUser' })
export class AuthenticatedUserBody implements AuthenticatedUser {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'admin' })
  username!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];

  @ApiProperty({ type: [String], description: 'the sites the user is limited to; empty: every site' })
  siteIds!: string[];

  @ApiProperty({ format: 'uuid' })
  sessionId!: string;
}

/** `{valid: true, user}` or `{valid: false, reason}`. */
@ApiSchema({ name: 'TokenValidation' })
export class TokenValidationBody {
  @ApiProperty()
  valid!: boolean;

  @ApiPropertyOptional({ type: AuthenticatedUserBody, description: 'when valid' })
  user?: AuthenticatedUserBody;

  @ApiPropertyOptional({ description: 'when not valid: why', example: 'jwt expired' })
  reason?: string;
}
