import { connect, createServer, type Server, type Socket } from 'node:net';

export interface SplittableRedisLink {
  readonly url: string;
  /** Cuts the link: from now on nothing crosses it either way, and nothing is closed. */
  split(): void;
  /** Ends the split: what was held crosses now, in order, then the link carries on as before. */
  heal(): void;
  close(): Promise<void>;
}

/**
 * A TCP path to the Redis on `port` that a network split can cut, as a partition does: a command
 * sent while split waits in the link, and Redis runs it (and answers) only once the split heals.
 */
export async function startSplittableRedisLink(port: number): Promise<SplittableRedisLink> {
  let split = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (split) held.push(() => to.write(chunk));
        else to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    split: () => {
      split = true;
    },
    heal: () => {
      split = false;
      for (const deliver of held.splice(0)) deliver();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
