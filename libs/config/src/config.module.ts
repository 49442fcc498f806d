import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { PlatformConfig } from './platform-config.js';

/**
 * Makes the validated `PlatformConfig` injectable everywhere. The config is loaded once by the
 * bootstrap (so a bad value stops the process before anything starts) and handed in here.
 */
@Global()
@Module({})
export class PlatformConfigModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return {
      module: PlatformConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          validatePredefined: false,
          skipProcessEnv: true,
          load: [() => ({ platform: config })],
        }),
      ],
      providers: [{ provide: PlatformConfig, useValue: config }],
      exports: [PlatformConfig, ConfigModule],
    };
  }
}
