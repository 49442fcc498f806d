import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

/** The isolation levels deadline-bound work uses. */
export type Isolation = 'READ COMMITTED' | 'REPEATABLE READ';

/** The deadline a piece of work (a run of the checks, a study report) is bounded by, and the signal that says it has passed. */
export interface WorkDeadline {
  limitMs: number;
  signal?: AbortSignal;
  /** The error answered once the work has been stopped and rolled back. */
  tooLate: () => Error;
}

/**
 * A transaction stopped at its deadline: the statement running then is cancelled
 * (pg_cancel_backend of the transaction's own backend), the transaction rolled back, and only
 * then `tooLate()` thrown, so a 503 always means nothing was stored. Past the deadline no
 * statement the work checks for (`checkpoint`) starts, and nothing commits. Statements may take up
 * to the deadline (statement_timeout and the client's read timeout lifted to it, for this
 * transaction only).
 *
 * For work that outlives REQUEST_TIMEOUT_MS by design (a run of the edit checks, a study report):
 * its route's deadline (`RouteDeadline` with `abortsWork`) is the one the work stops at.
 */
@Injectable()
export class DeadlineTransactions {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(deadline: WorkDeadline, isolation: Isolation, work: (db: EntityManager, checkpoint: () => void) => Promise<T>): Promise<T> {
    const { signal, tooLate } = deadline;
    const checkpoint = () => {
      if (signal?.aborted) throw tooLate();
    };
    checkpoint();
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as pg.PoolClient;
    const restoreReadTimeout = liftReadTimeout(client, deadline.limitMs);
    let cancelling: Promise<unknown> | undefined;
    let stopAtDeadline: (() => void) | undefined;
    try {
      await runner.startTransaction(isolation);
      try {
        // Under REPEATABLE READ this first statement takes the snapshot: nothing the work reads is older.
        const [{ pid }] = (await runner.query(`SELECT pg_backend_pid() AS pid, set_config('statement_timeout', $1, true)`, [String(deadline.limitMs)])) as Array<{ pid: number }>;
        // The connection is held until the cancel has been answered, so it never reaches another request's statement.
        stopAtDeadline = () => {
          cancelling = this.dataSource.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
        };
        signal?.addEventListener('abort', stopAtDeadline, { once: true });
        checkpoint();
        const result = await work(runner.manager, checkpoint);
        checkpoint();
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await cancelling;
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw signal?.aborted ? tooLate() : error;
      }
    } finally {
      if (stopAtDeadline) signal?.removeEventListener('abort', stopAtDeadline);
      await cancelling;
      restoreReadTimeout();
      await runner.release();
    }
  }
}

/**
 * The pool's client-side read timeout (DB_QUERY_TIMEOUT_MS) is meant for ordinary requests; long
 * work's statements (a report, a run, a bulk load, an export) may take up to its own limit. Raised
 * on this connection only (a little past the limit, so the server's own timeout or a cancel answers
 * first); the function returned puts it back, before the connection returns to the pool.
 */
export function liftReadTimeout(client: pg.PoolClient, limitMs: number): () => void {
  // pg keeps the connection's settings in this untyped property, which it reads at each query.
  const parameters = (client as unknown as { connectionParameters: { query_timeout?: number } }).connectionParameters;
  const previous = parameters.query_timeout;
  if (previous) parameters.query_timeout = Math.max(previous, limitMs + 5_000);
  return () => {
    parameters.query_timeout = previous;
  };
}
