import type pg from 'pg';
import type { Db } from 'pg-boss';
import type { DataSource } from 'typeorm';

/**
 * pg-boss's statements on the platform's own connection pool: the same login, credentials and
 * time limits as every other query of the process (embedded or a server), and no second pool to
 * size. No LISTEN/NOTIFY (workers poll), no pg-boss-owned transactions (not used).
 */
export class PlatformPoolDatabase implements Db {
  constructor(private readonly dataSource: DataSource) {}

  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    // TypeORM keeps its pg.Pool untyped; its query() reshapes results, pg-boss wants pg's own.
    const pool = (this.dataSource.driver as unknown as { master: pg.Pool }).master;
    return pool.query(text, values);
  }
}
