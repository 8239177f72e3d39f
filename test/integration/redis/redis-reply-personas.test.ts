import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RedisReplyPersonas } from '../../../src/adapters/redis/redis-reply-personas.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('which persona posted each reply, on a real Redis', () => {
  const redis = usePrivateRedis();
  const freshPrefix = () => `{reply-personas-${randomUUID().slice(0, 8)}}`;

  it("a reply's persona is found by the reply's message id, and a message never noted has none", async () => {
    const personas = new RedisReplyPersonas(redis.connection, freshPrefix());
    const [joys, angers, someones] = [snowflake(), snowflake(), snowflake()];
    await personas.record(joys, 'joy');
    await personas.record(angers, 'anger');
    expect(await personas.personasOf([someones, angers, joys])).toEqual(new Map([[angers, 'anger'], [joys, 'joy']]));
    expect(await personas.personasOf([someones])).toEqual(new Map());
    expect(await personas.personasOf([])).toEqual(new Map());
  });

  it('every note expires: nothing is kept for ever', async () => {
    const prefix = freshPrefix();
    await new RedisReplyPersonas(redis.connection, prefix).record(snowflake(), 'sadness');
    const keys = await redis.connection.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    expect(await redis.connection.ttl(keys[0]!)).toBeGreaterThan(0);
  });

  it('a note that names no persona (another version wrote something else there) is read as none', async () => {
    const prefix = freshPrefix();
    const personas = new RedisReplyPersonas(redis.connection, prefix);
    const reply = snowflake();
    await personas.record(reply, 'fear');
    const [key] = await redis.connection.keys(`${prefix}*`);
    await redis.connection.set(key!, 'clyde');
    expect(await personas.personasOf([reply])).toEqual(new Map());
  });
});
