import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { PlatformConfig, PlatformConfigModule } from '../../config/src/index.js';
import { AuditModule } from '../../audit/src/index.js';
import { AuthModule } from '../../auth/src/index.js';
import { CacheModule, DatabaseModule } from '../../database/src/index.js';
import { ApiExceptionFilter } from './errors/api-exception.filter.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { createValidationPipe } from './validation/validation.js';

/** What every process gets, registered once: config, cache, database (unless opted out), auth guard, validation, error format. */
@Module({})
export class PlatformModule {
  static forRoot(config: PlatformConfig, serviceName: string, options: { database: boolean }): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        PlatformConfigModule.forRoot(config),
        CacheModule,
        ...(options.database ? [DatabaseModule.forRoot(serviceName), AuditModule] : []),
        AuthModule.forRoot({ sessions: options.database ? 'database' : 'security-service' }),
      ],
      controllers: [MetricsController],
      providers: [
        MetricsService,
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
      exports: [MetricsService],
    };
  }
}
