import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../../src/adapters/redis/redis-connection.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { closedPort } from '../../support/closed-port.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

/** Shorter than the 5 s after which a connection says its address leads to a replica. */
const FAILOVER_MS = 3_000;

/**
 * The address leads to a replica: a failover whose address has not moved yet, or a REDIS_URL that
 * names a replica. REPLICAOF a port nobody listens on makes the private server such a node: it
 * answers reads and refuses every write with READONLY.
 */
describe('a Redis connection whose address leads to a read-only replica', () => {
  let server: PrivateRedis;
  let admin: Redis;
  const connections: Redis[] = [];
  beforeEach(async () => {
    server = await startPrivateRedis();
    admin = new Redis(server.url, { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.disconnect();
    admin.disconnect();
    await server.stop();
  });

  const demote = async () => admin.call('REPLICAOF', '127.0.0.1', String(await closedPort()));
  const promote = () => admin.call('REPLICAOF', 'NO', 'ONE');

  it("waits out a node answering READONLY as one outage, backing off, and the worker's write lands once it takes writes", async () => {
    const { logger, lines } = capturedLogger('info');
    const worker = createRedis(server.url, 'worker', 'feelbot-worker-test', logger);
    connections.push(worker);
    await new Promise((resolve) => worker.once('ready', resolve));
    let reconnects = 0;
    worker.on('reconnecting', () => (reconnects += 1));

    await demote();
    const write = worker.set('after-failover', '1');
    await sleep(FAILOVER_MS);
    const reconnectsWhileReplica = reconnects;
    await promote();
    await write;

    expect(await admin.get('after-failover')).toBe('1');
    expect(lines.map((line) => line.msg)).toEqual(['redis connection lost; reconnecting', 'redis connection back']);
    expect(lines[1]!.downMs).toBeGreaterThanOrEqual(FAILOVER_MS);
    // Reconnecting at once after each READONLY would make about 15 in 3 s.
    expect(reconnectsWhileReplica).toBeLessThanOrEqual(6);
  });

  it('a REDIS_URL that names a replica is logged once, as REDIS_UNAVAILABLE naming it, while the connection keeps waiting for a primary', async () => {
    await demote();
    const { logger, lines } = capturedLogger('info');
    const worker = createRedis(server.url, 'worker', 'feelbot-worker-test', logger);
    connections.push(worker);
    const write = worker.set('on-the-primary', '1');

    const deadline = Date.now() + 15_000;
    while (!lines.some((line) => line.level === 'error') && Date.now() < deadline) await sleep(100);
    await sleep(2_000);
    await promote();
    await write;

    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'REDIS_UNAVAILABLE', connection: 'feelbot-worker-test', redisUrl: server.url });
    expect(errors[0]!.msg).toMatch(/^the Redis at REDIS_URL is a read-only replica/);
    expect(await admin.get('on-the-primary')).toBe('1');
  }, 30_000);
});
