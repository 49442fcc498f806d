import pg from 'pg';

const READ_TIMEOUT = 'Query read timeout';

type QueryCallback = (error: Error | null, result?: unknown) => void;
/** pg's `query` has many overloads; the wrapper below only passes its arguments through. */
type AnyQuery = (...args: unknown[]) => unknown;

/**
 * The pool's client, made safe for a database that hangs or dies while a request holds it:
 * - A query that timed out on the client side (DB_QUERY_TIMEOUT_MS) closes its connection. pg
 *   leaves such a query in flight, so every later query on that connection would wait behind it
 *   for as long as the network takes to give up; closed, the pool replaces it with a new one.
 * - A connection that fails while in use fails its own queries only. pg also emits 'error' on the
 *   client, and the pool listens only while the client is idle: unheard, that event would end the
 *   process.
 */
export class PlatformPgClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
    const query = this.query.bind(this) as AnyQuery;
    // pg keeps its socket private; destroying it is how its own pipeline mode drops a hung query.
    const close = (): void => (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const closeOnReadTimeout = (error: unknown): void => {
      if (error instanceof Error && error.message === READ_TIMEOUT) close();
    };
    (this as unknown as { query: AnyQuery }).query = (...args: unknown[]): unknown => {
      let callbackAt = -1;
      args.forEach((arg, index) => {
        if (typeof arg === 'function') callbackAt = index;
      });
      if (callbackAt >= 0) {
        const callback = args[callbackAt] as QueryCallback;
        args[callbackAt] = (error: Error | null, result?: unknown) => {
          closeOnReadTimeout(error);
          callback(error, result);
        };
        return query(...args);
      }
      const result = query(...args);
      if (result instanceof Promise) result.catch(closeOnReadTimeout);
      return result;
    };
  }
}
