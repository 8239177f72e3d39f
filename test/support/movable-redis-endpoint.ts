import { connect, createServer, type Socket } from 'node:net';

export interface MovableRedisEndpoint {
  readonly url: string;
  /** New connections reach Redis on `port` from now on; those already open stay with the node they reached. */
  moveTo(port: number): void;
  close(): Promise<void>;
}

/**
 * One address in front of Redis nodes, which a failover moves to the new primary as a DNS name or
 * a cloud's primary endpoint does: a TCP proxy whose target can change, leaving open connections
 * where they are.
 */
export async function startMovableRedisEndpoint(port: number): Promise<MovableRedisEndpoint> {
  let target = port;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${listening}`,
    moveTo: (next) => {
      target = next;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
