import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { RedisWebhookCache, WEBHOOK_CACHE_TTL_MS } from '../../../src/adapters/redis/redis-webhook-cache.js';
import { boundWebhookCaches } from '../../../src/worker/bound-webhook-caches.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Channels' webhook caches an earlier feelbot wrote without an expiry, as a worker finds them at start after the upgrade. */
describe('webhook caches written before they had an expiry', () => {
  const redis = usePrivateRedis();

  it('get the lifetime a write gives, at start and in the background; caches with one, and other keys, are left as they are', async () => {
    // A glob character in the prefix must match only itself.
    const prefix = `{up*-${randomUUID().slice(0, 8)}}`;
    const other = `{up-${randomUUID().slice(0, 8)}}`;
    const entry = JSON.stringify({ id: '1', token: 'tok' });
    const unbounded = Array.from({ length: 1_500 }, (_, i) => feelbotKey(prefix, 'webhooks', String(100_000 + i)));
    for (const key of unbounded) await redis.connection.hset(key, 'shared', entry);
    const bounded = feelbotKey(prefix, 'webhooks', '7');
    await redis.connection.hset(bounded, 'shared', entry);
    await redis.connection.pexpire(bounded, 60_000);
    const foreign = feelbotKey(other, 'webhooks', '8');
    const persona = feelbotKey(prefix, 'persona-webhooks', '9');
    await redis.connection.hset(foreign, 'shared', entry);
    await redis.connection.sadd(persona, 'x');

    const { logger, lines } = capturedLogger();
    boundWebhookCaches(new RedisWebhookCache(redis.connection, prefix), logger);
    await expect.poll(() => lines.find((line) => line.channels !== undefined), { timeout: 10_000 }).toMatchObject({ channels: 1_500 });

    const ttls = await Promise.all(unbounded.map((key) => redis.connection.pttl(key)));
    expect(ttls.every((ttl) => ttl > WEBHOOK_CACHE_TTL_MS - 60_000 && ttl <= WEBHOOK_CACHE_TTL_MS)).toBe(true);
    expect(await redis.connection.pttl(bounded)).toBeLessThanOrEqual(60_000);
    expect(await redis.connection.pttl(foreign)).toBe(-1);
    expect(await redis.connection.pttl(persona)).toBe(-1);

    // A second worker starting finds nothing left to do.
    expect(await new RedisWebhookCache(redis.connection, prefix).expireUnbounded()).toBe(0);
  });
});
