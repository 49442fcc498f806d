import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import type { SqlQuery } from './sdtm-sql.js';

/** How long one export may read: it streams at the client's pace, beyond an ordinary request's limits. */
export const EXPORT_READ_LIMIT_MS = 10 * 60_000;
/** Rows fetched from the cursor at a time: memory stays bounded however large the study. */
const CURSOR_BATCH = 500;

/**
 * One read-only REPEATABLE READ transaction on its own connection: the counts an export audits and
 * the rows it streams come from the same snapshot. Closed (and its connection returned) by `close`,
 * which every path must reach: the stream's end, its failure, or the client going away.
 */
export class ExportSnapshot {
  private closed = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly restoreReadTimeout: () => void,
  ) {}

  async rows<T>(query: SqlQuery): Promise<T[]> {
    return (await this.client.query(query.text, query.values)).rows as T[];
  }

  /** The query's rows one at a time from a server-side cursor, with the consumer's backpressure. */
  async *stream<T>(query: SqlQuery): AsyncGenerator<T> {
    const cursor = this.client.query(new QueryStream(query.text, query.values, { batchSize: CURSOR_BATCH }));
    try {
      for await (const row of cursor) yield row as T;
    } finally {
      cursor.destroy();
    }
  }

  async close(failed = false): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let broken = failed;
    try {
      await this.client.query(failed ? 'ROLLBACK' : 'COMMIT');
    } catch {
      broken = true;
    } finally {
      this.restoreReadTimeout();
      // A connection whose cursor was abandoned mid-read is not reused.
      this.client.release(broken ? true : undefined);
    }
  }
}

@Injectable()
export class ExportSnapshots {
  constructor(private readonly dataSource: DataSource) {}

  async open(): Promise<ExportSnapshot> {
    // TypeORM keeps its pg.Pool untyped; a cursor needs pg's own client.
    const pool = (this.dataSource.driver as unknown as { master: pg.Pool }).master;
    const client = await pool.connect();
    const restore = liftReadTimeout(client);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(EXPORT_READ_LIMIT_MS)]);
    } catch (error) {
      restore();
      client.release(true);
      throw error;
    }
    return new ExportSnapshot(client, restore);
  }
}

/** The pool's client-side read timeout is for ordinary requests; an export reads for up to its own limit. */
function liftReadTimeout(client: pg.PoolClient): () => void {
  // pg keeps the connection's settings in this untyped property, which it reads at each query.
  const parameters = (client as unknown as { connectionParameters: { query_timeout?: number } }).connectionParameters;
  const previous = parameters.query_timeout;
  if (previous) parameters.query_timeout = Math.max(previous, EXPORT_READ_LIMIT_MS + 5_000);
  return () => {
    parameters.query_timeout = previous;
  };
}
