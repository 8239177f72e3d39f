import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('deleted-message markers, on a real Redis', () => {
  const redis = usePrivateRedis();
  const freshPrefix = () => `{deleted-${randomUUID().slice(0, 8)}}`;
  const opened: Array<{ disconnect(): void }> = [];
  afterEach(() => {
    for (const connection of opened.splice(0)) connection.disconnect();
  });

  it('a marked message reads as deleted, and one never marked does not', async () => {
    const deleted = new RedisDeletedMessages(redis.connection, freshPrefix());
    const [gone, kept] = [snowflake(), snowflake()];
    await deleted.mark([gone]);
    expect(await deleted.deletedAmong([kept, gone])).toEqual([gone]);
    expect(await deleted.deletedAmong([kept])).toEqual([]);
  });

  it('a mark Redis aborts (a WATCH left on the connection saw a change) fails instead of passing for recorded', async () => {
    const prefix = freshPrefix();
    const shared = redis.connection.duplicate();
    opened.push(shared);
    const watched = `${prefix}:watched`;
    await shared.watch(watched);
    await redis.connection.set(watched, 'changed by another process');
    const message = snowflake();
    await expect(new RedisDeletedMessages(shared, prefix).mark([message])).rejects.toThrow(/aborted/);
    expect(await new RedisDeletedMessages(redis.connection, prefix).deletedAmong([message])).toEqual([]);
  });
});
