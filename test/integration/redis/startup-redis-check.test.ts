import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedisReachable } from '../../../src/adapters/redis/check-redis-reachable.js';
import { ErrorCodes } from '../../../src/errors.js';
import { closedPort } from '../../support/closed-port.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

/** The check every process makes before it says it is ready, against a private redis-server. */
describe("start-up's Redis check", () => {
  let server: PrivateRedis;
  let admin: Redis;
  beforeAll(async () => {
    server = await startPrivateRedis();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  it('passes on a primary', async () => {
    await expect(checkRedisReachable(server.url)).resolves.toBeUndefined();
  });

  it('stops at once with REDIS_UNAVAILABLE when REDIS_URL names a read-only replica, saying to point it at the primary', async () => {
    await admin.call('REPLICAOF', '127.0.0.1', String(await closedPort()));
    try {
      const started = Date.now();
      await expect(checkRedisReachable(server.url)).rejects.toMatchObject({
        code: ErrorCodes.RedisUnavailable,
        message: expect.stringContaining('is a read-only replica, which refuses every write the queue makes. Point REDIS_URL at the primary.'),
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await admin.call('REPLICAOF', 'NO', 'ONE');
    }
    await expect(checkRedisReachable(server.url)).resolves.toBeUndefined();
  });

  it('names REDIS_URL without its password when nothing answers', async () => {
    const url = `redis://:hunter2secret@127.0.0.1:${await closedPort()}`;
    const failure = await checkRedisReachable(url, 500).catch((error: unknown) => error as Error & { code: string });
    expect(failure).toMatchObject({ code: ErrorCodes.RedisUnavailable });
    expect(failure!.message).not.toContain('hunter2secret');
  });
});
