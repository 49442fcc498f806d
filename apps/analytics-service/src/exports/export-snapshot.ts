import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import type { SqlQuery } from './sdtm-sql.js';

/** How long one export may read: it streams at the client's pace, beyond an ordinary request's limits. */
export const EXPORT_READ_LIMIT_MS = 10 * 60_000;
/** Rows fetched from the cursor at a time: memory stays bounded however large the study. */
const CURSOR_BATCH = 500;
/**
 * Exports one process streams at once. Each holds a pool connection and a snapshot (which holds
 * back vacuum) for as long as its client reads, so a few slow downloads must not take the pool.
 */
export const MAX_CONCURRENT_EXPORTS = 2;
/** When a refused export may try again: a small export is over by then. */
export const EXPORTS_BUSY_RETRY_SECONDS = 10;

/** 503 (temporary) with Retry-After: the error filter turns `retryAfterSeconds` into the header. */
export class ExportsBusyException extends ServiceUnavailableException {
  readonly retryAfterSeconds = EXPORTS_BUSY_RETRY_SECONDS;

  constructor(running: number) {
    super(
      `${running} exports are running in this service, the most it streams at once (each holds a database connection while its client reads); ` +
        `try again in ${EXPORTS_BUSY_RETRY_SECONDS} seconds`,
    );
  }
}

/**
 * One read-only REPEATABLE READ transaction on its own connection: the counts an export audits and
 * the rows it streams come from the same snapshot. Closed (and its connection returned) by `close`,
 * which every path must reach: the stream's end, its failure, or the client going away.
 */
export class ExportSnapshot {
  private closed = false;

  constructor(
    private readonly client: pg.PoolClient,
    /** Restores the connection's read timeout and gives the export's slot back. */
    private readonly done: () => void,
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
      this.done();
      // A connection whose cursor was abandoned mid-read is not reused.
      this.client.release(broken ? true : undefined);
    }
  }
}

/** Opens export snapshots, at most MAX_CONCURRENT_EXPORTS at once in this process (beyond: 503 with Retry-After). */
@Injectable()
export class ExportSnapshots {
  private running = 0;

  constructor(private readonly dataSource: DataSource) {}

  async open(): Promise<ExportSnapshot> {
    if (this.running >= MAX_CONCURRENT_EXPORTS) throw new ExportsBusyException(this.running);
    this.running += 1;
    let client: pg.PoolClient;
    try {
      // TypeORM keeps its pg.Pool untyped; a cursor needs pg's own client.
      client = await (this.dataSource.driver as unknown as { master: pg.Pool }).master.connect();
    } catch (error) {
      this.running -= 1;
      throw error;
    }
    const restore = liftReadTimeout(client);
    const done = () => {
      restore();
      this.running -= 1;
    };
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(EXPORT_READ_LIMIT_MS)]);
    } catch (error) {
      done();
      client.release(true);
      throw error;
    }
    return new ExportSnapshot(client, done);
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
