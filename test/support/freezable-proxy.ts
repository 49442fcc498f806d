import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy on a free local port in front of a server, that can stop passing bytes while keeping
 * every connection open: a database that hangs (frozen, or cut off without a reset), as clients
 * see it.
 */
export interface FreezableProxy {
  port: number;
  freeze(): void;
  /** Stops the connections open now, while new ones pass (a partition of those connections only). */
  freezeOpenConnections(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startFreezableProxy(targetHost: string, targetPort: number): Promise<FreezableProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let frozen = false;
  const link = (client: Socket, upstream: Socket) => {
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    for (const [from, to] of [pair, [upstream, client] as const]) {
      from.on('data', (chunk: Buffer) => to.write(chunk));
      from.on('error', () => to.destroy());
      from.on('close', () => {
        to.destroy();
        pairs.delete(pair);
      });
    }
    if (frozen) for (const socket of pair) socket.pause();
  };
  const server: Server = createServer((client) => link(client, connect(targetPort, targetHost)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    freeze() {
      frozen = true;
      for (const pair of pairs) for (const socket of pair) socket.pause();
    },
    freezeOpenConnections() {
      for (const pair of pairs) for (const socket of pair) socket.pause();
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) for (const socket of pair) socket.resume();
    },
    async close() {
      for (const pair of pairs) for (const socket of pair) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
