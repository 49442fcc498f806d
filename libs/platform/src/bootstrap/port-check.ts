import { createServer } from 'node:net';

export class PortInUseError extends Error {
  constructor(port: number) {
    super(`Port ${port} is already in use: stop what uses it, or set PORT to another port. Nothing was started or created.`);
    this.name = 'PortInUseError';
  }
}

/**
 * Fails fast when the port is taken, before anything is opened or created (the database, the
 * first admin and its one-time password), rather than after. Binds the way the app will.
 */
export function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error));
    probe.listen(port, () => probe.close(() => resolve()));
  });
}
