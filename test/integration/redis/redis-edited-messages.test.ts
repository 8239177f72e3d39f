import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { RedisDeletedMessages } from '../../../src/adapters/redis/redis-deleted-messages.js';
import { RedisEditedMessages } from '../../../src/adapters/redis/redis-edited-messages.js';
import { forgettingEdits } from '../../../src/gateway/forget-edits-of-deleted.js';
import { snowflake } from '../../factories.js';
import { everythingUnder } from '../../support/redis-contents.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Deletion marks keep this long too: longer than any reply stays queued or in generation. */
const HOUR_SECONDS = 60 * 60;

describe('edited-message marks, on a real Redis', () => {
  const redis = usePrivateRedis();
  const freshPrefix = () => `{edited-${randomUUID().slice(0, 8)}}`;

  /** Seconds left to live of every key under the prefix. */
  async function ttlsUnder(prefix: string): Promise<number[]> {
    const keys = await redis.connection.keys(`${prefix}:*`);
    return Promise.all(keys.map((key) => redis.connection.ttl(key)));
  }

  it("an edited message reads as its newest text, one never edited not at all, and one emptied as ''", async () => {
    const edited = new RedisEditedMessages(redis.connection, freshPrefix());
    const [changed, emptied, untouched] = [snowflake(), snowflake(), snowflake()];
    await edited.mark(changed, 'never mind, forget it');
    await edited.mark(emptied, '');
    expect(await edited.editsAmong([untouched, changed, emptied])).toEqual(new Map([[changed, 'never mind, forget it'], [emptied, '']]));
    expect(await edited.editsAmong([untouched])).toEqual(new Map());
    expect(await edited.editsAmong([])).toEqual(new Map());
  });

  it('a later edit wins, and its mark lives another hour from then', async () => {
    const prefix = freshPrefix();
    const edited = new RedisEditedMessages(redis.connection, prefix);
    const message = snowflake();
    await edited.mark(message, 'my phone number is 555-0199');
    await redis.connection.expire(`${prefix}:edited:${message}`, 5);
    await edited.mark(message, 'call me tonight');
    expect(await edited.editsAmong([message])).toEqual(new Map([[message, 'call me tonight']]));
    expect(await everythingUnder(redis.connection, prefix)).not.toContain('555-0199');
    const [ttl] = await ttlsUnder(prefix);
    expect(ttl).toBeGreaterThan(HOUR_SECONDS - 10);
    expect(ttl).toBeLessThanOrEqual(HOUR_SECONDS);
  });

  it('a mark expires: after its time it reads as never edited', async () => {
    const prefix = freshPrefix();
    const edited = new RedisEditedMessages(redis.connection, prefix);
    const message = snowflake();
    await edited.mark(message, 'never mind');
    const [ttl] = await ttlsUnder(prefix);
    expect(ttl).toBeGreaterThan(0);
    // An hour passes, shortened: the key's own TTL, not a cleanup of feelbot's, removes it.
    await redis.connection.pexpire(`${prefix}:edited:${message}`, 1);
    await expect.poll(() => edited.editsAmong([message])).toEqual(new Map());
  });

  it("a deleted message's edited text leaves Redis with it, while other edits stay", async () => {
    const prefix = freshPrefix();
    const edited = new RedisEditedMessages(redis.connection, prefix);
    const deleted = forgettingEdits(new RedisDeletedMessages(redis.connection, prefix), edited);
    const [regretted, kept] = [snowflake(), snowflake()];
    await edited.mark(regretted, 'actually it is 555-0123');
    await edited.mark(kept, 'see you all tomorrow');
    await deleted.mark([regretted]);
    // Twice, as the deletion handler may repeat it after a Redis outage.
    await deleted.mark([regretted]);
    expect(await deleted.deletedAmong([regretted, kept])).toEqual([regretted]);
    expect(await edited.editsAmong([regretted, kept])).toEqual(new Map([[kept, 'see you all tomorrow']]));
    expect(await everythingUnder(redis.connection, prefix)).not.toContain('555-0123');
  });

  it("a server's edits are listed under it for as long as they are kept, so a busy server's list holds only the last hour's", async () => {
    const prefix = freshPrefix();
    const edited = new RedisEditedMessages(redis.connection, prefix);
    const guildId = snowflake();
    const [earlier, later, inDm] = [snowflake(), snowflake(), snowflake()];
    const now = Date.now();
    // Edited two hours ago, as the clock the list is kept by reads it.
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now - 2 * HOUR_SECONDS * 1_000);
    await edited.mark(earlier, 'said long ago', guildId);
    clock.mockRestore();
    await edited.mark(later, 'said just now', guildId);
    await edited.mark(inDm, 'said in a DM', null);

    const list = `${prefix}:edited-in:${guildId}`;
    expect(await redis.connection.zrange(list, 0, -1)).toEqual([later]);
    const ttl = await redis.connection.ttl(list);
    expect(ttl).toBeGreaterThan(HOUR_SECONDS - 10);
    expect(ttl).toBeLessThanOrEqual(HOUR_SECONDS);
    expect(await edited.editsAmong([later, inDm])).toEqual(new Map([[later, 'said just now'], [inDm, 'said in a DM']]));
  });
});
