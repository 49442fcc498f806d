import { type DynamicModule, Global, Injectable, Module, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../../config/src/index.js';
import { DatabaseConnection } from './connection/database-connection.js';
import { DatabaseHealthIndicator } from './health/database.health.js';

const SERVICE_NAME = Symbol('SERVICE_NAME');

// DATE columns as 'YYYY-MM-DD' strings: pg's default turns them into Dates at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

@Injectable()
class ConnectionLifecycle implements OnApplicationShutdown {
  constructor(private readonly connection: DatabaseConnection) {}

  /** Nest runs this after the HTTP server has drained in-flight requests. */
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/**
 * PostgreSQL through one TypeORM DataSource, opened at start-up (migrations applied) and closed
 * on shutdown. Global: any module injects `DataSource`.
 */
@Global()
@Module({})
export class DatabaseModule {
  /** `entities`: the TypeORM entities of the services hosted in this process (each service owns its own). */
  static forRoot(serviceName: string, entities: readonly Type[] = []): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TerminusModule],
      providers: [
        { provide: SERVICE_NAME, useValue: serviceName },
        {
          provide: DatabaseConnection,
          inject: [PlatformConfig, SERVICE_NAME],
          useFactory: (config: PlatformConfig, name: string) => DatabaseConnection.open(config, { applicationName: name, entities }),
        },
        {
          provide: DataSource,
          inject: [DatabaseConnection],
          useFactory: (connection: DatabaseConnection) => connection.dataSource,
        },
        ConnectionLifecycle,
        DatabaseHealthIndicator,
      ],
      exports: [DatabaseConnection, DataSource, DatabaseHealthIndicator],
    };
  }
}
