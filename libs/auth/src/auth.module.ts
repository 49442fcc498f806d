import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { DatabaseSessionDirectory } from './database-session-directory.js';
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
      ],
      exports: [TokenService, SessionStatusService],
    };
  }
}
