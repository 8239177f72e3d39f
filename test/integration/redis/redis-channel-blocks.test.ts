import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CHANNEL_BLOCK_SECONDS, DELETED_PLACE_BLOCK_SECONDS, RedisChannelBlocks } from '../../../src/adapters/redis/redis-channel-blocks.js';
import { ErrorCodes } from '../../../src/errors.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('channels blocked after a post an admin must fix, or deleted (real Redis)', () => {
  const redis = usePrivateRedis();

  it('a blocked channel stays blocked for ten minutes, for every worker, and no other channel is', async () => {
    const prefix = `{blocks-${randomUUID().slice(0, 8)}}`;
    const blocks = new RedisChannelBlocks(redis.connection, prefix);
    const otherConnection = redis.connection.duplicate();
    onTestFinished(() => otherConnection.disconnect());
    const otherWorker = new RedisChannelBlocks(otherConnection, prefix);
    const [blocked, open] = [snowflake(), snowflake()];
    await blocks.block(blocked, 'DISCORD_WEBHOOK_LIMIT');
    expect(await otherWorker.blockedBy([blocked])).toBe('DISCORD_WEBHOOK_LIMIT');
    expect(await otherWorker.blockedBy([open])).toBeUndefined();
    expect(await otherWorker.blockedBy([])).toBeUndefined();
    const [key] = await redis.connection.keys(`${prefix}:blocked:*`);
    expect(await redis.connection.get(key!)).toBe('DISCORD_WEBHOOK_LIMIT');
    const ttl = await redis.connection.ttl(key!);
    expect(ttl).toBeGreaterThan(CHANNEL_BLOCK_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(CHANNEL_BLOCK_SECONDS);
  });

  it("a deleted place is blocked for its whole block time; of several places, the first blocked one's code is told", async () => {
    const prefix = `{blocks-${randomUUID().slice(0, 8)}}`;
    const blocks = new RedisChannelBlocks(redis.connection, prefix);
    const [thread, parent, open] = [snowflake(), snowflake(), snowflake()];
    await blocks.block(parent, ErrorCodes.DiscordPermissionMissing);
    await blocks.block(thread, ErrorCodes.ChannelDeleted);
    expect(await blocks.blockedBy([open, thread, parent])).toBe(ErrorCodes.ChannelDeleted);
    expect(await blocks.blockedBy([open, parent, thread])).toBe(ErrorCodes.DiscordPermissionMissing);
    const ttl = await redis.connection.ttl(`${prefix}:blocked:${thread}`);
    expect(ttl).toBeGreaterThan(DELETED_PLACE_BLOCK_SECONDS - 5);
    expect(ttl).toBeLessThanOrEqual(DELETED_PLACE_BLOCK_SECONDS);
    expect(DELETED_PLACE_BLOCK_SECONDS).toBeGreaterThan(CHANNEL_BLOCK_SECONDS);
  });

  it('a deleted place stays blocked past the wait of a reply queued as the workers went down for a long weekend, while an admin\'s block still lifts after ten minutes', async () => {
    // BullMQ drops no waiting job: a reply queued on Friday evening waits, unanswered, until a worker is back on Tuesday morning.
    const longWeekendSeconds = (3 * 24 + 12) * 60 * 60;
    const prefix = `{blocks-${randomUUID().slice(0, 8)}}`;
    const blocks = new RedisChannelBlocks(redis.connection, prefix);
    const [deleted, unfixed] = [snowflake(), snowflake()];
    await blocks.block(deleted, ErrorCodes.ChannelDeleted);
    await blocks.block(unfixed, ErrorCodes.DiscordPermissionMissing);
    expect(await redis.connection.ttl(`${prefix}:blocked:${deleted}`)).toBeGreaterThan(longWeekendSeconds);
    const adminTtl = await redis.connection.ttl(`${prefix}:blocked:${unfixed}`);
    expect(adminTtl).toBeGreaterThan(10 * 60 - 5);
    expect(adminTtl).toBeLessThanOrEqual(10 * 60);
  });
});
