import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { ErrorCodes, isFeelbotError } from '../../../src/errors.js';
import { retryWhileRedisDown } from '../../../src/gateway/retry-while-redis-down.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Long enough for a hang to show, short of the test's own timeout. */
const HANG_DEADLINE_MS = 30_000;

interface StallingProxy {
  readonly url: string;
  /** Holds every byte from here on, both ways, with the connections left open: a host gone silent. */
  stall(): void;
  /** Delivers what was held, in order, and forwards again. */
  resume(): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of Redis that can stop forwarding without closing anything. */
async function startStallingProxy(redisPort: number): Promise<StallingProxy> {
  let stalled = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const forward = (from: Socket, to: Socket) =>
    from.on('data', (chunk) => {
      if (stalled) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  const server: Server = createServer((client) => {
    const upstream = connect(redisPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    stall: () => {
      stalled = true;
    },
    resume: () => {
      stalled = false;
      for (const send of held.splice(0)) send();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("the gateway's Redis connection when Redis stops answering without closing it", () => {
  const redis = usePrivateRedis();
  let proxy: StallingProxy;
  let gateway: Redis;

  beforeEach(async () => {
    proxy = await startStallingProxy(redis.server.port);
    gateway = createRedis(proxy.url, 'producer', 'feelbot-gateway-test');
    // A producer fails fast rather than queue a command before it is connected.
    await new Promise((resolve) => gateway.once('ready', resolve));
  });

  afterEach(async () => {
    proxy.resume();
    gateway.disconnect();
    await proxy.close();
  });

  it('a message waiting on it gives up with REDIS_UNAVAILABLE when the gateway stops, instead of hanging', async () => {
    proxy.stall();
    const shutdown = new AbortController();
    let tries = 0;
    const waiting = retryWhileRedisDown(
      () => {
        tries += 1;
        return gateway.set(`{stall-${randomUUID().slice(0, 8)}}:job`, 'queued');
      },
      { signal: shutdown.signal },
    ).catch((error: unknown) => error);
    // A second try means the first one came back unanswered instead of waiting forever.
    await expect.poll(() => tries, { timeout: HANG_DEADLINE_MS, interval: 50 }).toBeGreaterThan(1);
    shutdown.abort();
    const error = await waiting;
    expect(isFeelbotError(error, ErrorCodes.RedisUnavailable)).toBe(true);
  }, HANG_DEADLINE_MS * 2);

  it('once Redis answers again, the late replies to commands given up on are not taken for the answers to later ones', async () => {
    const prefix = `{stall-${randomUUID().slice(0, 8)}}`;
    await gateway.set(`${prefix}:a`, 'A');
    await gateway.set(`${prefix}:b`, 'B');
    proxy.stall();
    const givenUp = await gateway.get(`${prefix}:a`).catch((error: unknown) => error);
    expect((givenUp as Error).message).toMatch(/timed out/);
    proxy.resume();
    expect(await gateway.get(`${prefix}:b`)).toBe('B');
    expect(await gateway.get(`${prefix}:a`)).toBe('A');
  }, HANG_DEADLINE_MS * 2);
});
