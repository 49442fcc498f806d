import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  /** A real round trip to PostgreSQL; down (503) when it fails or takes over `timeoutMs`. */
  check(timeoutMs = 3_000) {
    return this.health
      .check('database')
      .attempt(async () => {
        await this.dataSource.query('SELECT 1');
        return { pool: poolUsage(this.dataSource) };
      })
      .withTimeout(timeoutMs);
  }
}

interface PgPoolCounters {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export function poolUsage(dataSource: DataSource): { total: number; idle: number; waiting: number } | undefined {
  // TypeORM does not type its driver's pg pool; read the counters pg-pool documents.
  const pool = (dataSource.driver as unknown as { master?: PgPoolCounters }).master;
  return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : undefined;
}
