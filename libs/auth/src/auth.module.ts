import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { DatabasePasswordConfirmation } from './database-password-confirmation.js';
import { DatabaseSessionDirectory } from './database-session-directory.js';
import { PasswordConfirmation } from './password-confirmation.js';
import { RemoteSessionDirectory } from './remote-session-directory.js';
import { SessionDirectory } from './session-directory.js';
import { SessionStatusService } from './session-status.service.js';
import { TokenService } from './token.service.js';

/** Authentication for every process: token checks in the process itself, sessions from the database or the security service. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: { sessions: 'database' | 'security-service' }): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        TokenService,
        SessionStatusService,
        {
          provide: SessionDirectory,
          useClass: options.sessions === 'database' ? DatabaseSessionDirectory : RemoteSessionDirectory,
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        // Only where the users table is at hand: every process that hosts the EDC.
        ...(options.sessions === 'database' ? [{ provide: PasswordConfirmation, useClass: DatabasePasswordConfirmation }] : []),
      ],
      exports: [TokenService, SessionStatusService, ...(options.sessions === 'database' ? [PasswordConfirmation] : [])],
    };
  }
}
