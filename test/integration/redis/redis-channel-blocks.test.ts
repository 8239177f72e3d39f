import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CHANNEL_BLOCK_SECONDS, RedisChannelBlocks } from '../../../src/adapters/redis/redis-channel-blocks.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('channels blocked after a post an admin must fix (real Redis)', () => {
  const redis = usePrivateRedis();

  it('a blocked channel stays blocked for ten minutes, for every worker, and no other channel is', async () => {
    const prefix = `{blocks-${randomUUID().slice(0, 8)}}`;
    const blocks = new RedisChannelBlocks(redis.connection, prefix);
    const otherConnection = redis.connection.duplicate();
    onTestFinished(() => otherConnection.disconnect());
    const otherWorker = new RedisChannelBlocks(otherConnection, prefix);
    const [blocked, open] = [snowflake(), snowflake()];
    await blocks.block(blocked, 'DISCORD_WEBHOOK_LIMIT');
    expect(await otherWorker.anyBlocked([blocked])).toBe(true);
    expect(await otherWorker.anyBlocked([open])).toBe(false);
    const [key] = await redis.connection.keys(`${prefix}:blocked:*`);
    expect(await redis.connection.get(key!)).toBe('DISCORD_WEBHOOK_LIMIT');
    const ttl = await redis.connection.ttl(key!);
    expect(ttl).toBeGreaterThan(CHANNEL_BLOCK_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(CHANNEL_BLOCK_SECONDS);
  });
});
