import type { Logger } from '@nestjs/common';

/**
 * A stop signal must stop the process even when something it waits for never answers (a frozen
 * database, a hung client): after `limitMs` the process exits anyway, with a log line saying so.
 * The embedded PostgreSQL still stops on exit (it listens for the process's exit).
 */
export function exitAfterShutdownDeadline(limitMs: number, logger: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error(`shutdown did not finish within SHUTDOWN_TIMEOUT_MS (${limitMs} ms) after ${signal}; exiting now`);
        process.exit(1);
      }, limitMs).unref();
    });
  }
}
