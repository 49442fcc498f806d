import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { PlatformConfig, PlatformConfigModule } from '../../config/src/index.js';
import { AuditModule } from '../../audit/src/index.js';
import { AuthModule } from '../../auth/src/index.js';
import { CacheModule, DatabaseModule } from '../../database/src/index.js';
import { RequestDeadlineInterceptor } from './deadline/request-deadline.interceptor.js';
import { ApiExceptionFilter } from './errors/api-exception.filter.js';
import { loggerParams } from './logging/logging.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { createValidationPipe } from './validation/validation.js';

/** What every process gets, registered once: config, logging, cache, database (unless opted out), auth guard, validation, error format. */
@Module({})
export class PlatformModule {
  static forRoot(config: PlatformConfig, serviceName: string, options: { database: boolean; logger: Pino; entities?: readonly Type[] }): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        PlatformConfigModule.forRoot(config),
        // Binds each request's logger (with its request id) to the logs written while it is handled.
        LoggerModule.forRoot(loggerParams(options.logger)),
        CacheModule,
        ...(options.database ? [DatabaseModule.forRoot(serviceName, options.entities), AuditModule] : []),
        AuthModule.forRoot({ sessions: options.database ? 'database' : 'security-service' }),
      ],
      controllers: [MetricsController],
      providers: [
        MetricsService,
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: RequestDeadlineInterceptor },
      ],
      exports: [MetricsService],
    };
  }
}
