import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';
import { RedisDeliveryLedger } from '../../../src/adapters/redis/redis-delivery-ledger.js';
import { replyDigest } from '../../../src/domain/reply-digest.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

const redis = usePrivateRedis();
const WEEK_SECONDS = 7 * 24 * 3_600;
const HOUR_SECONDS = 3_600;
const REPLY = 'So glad you told me, Alice, that you finally got the job!';

function ledgerUnder() {
  const prefix = `{ledger-${randomUUID().slice(0, 8)}}`;
  return { prefix, ledger: new RedisDeliveryLedger(redis.connection, prefix) };
}

describe('the delivery ledger in Redis', () => {
  it("keeps a post's attempt, for a retry to find the post, as long as a job may wait; the reply's text only for the hour the previous release reads it", async () => {
    const { prefix, ledger } = ledgerUnder();
    const burst = [snowflake(), snowflake()];
    const attempt = { digest: replyDigest(REPLY), persona: 'Joy', personaKey: 'joy' as const, startedAt: Date.now() };
    await ledger.recordAttempt(burst, attempt, REPLY);

    expect(await ledger.findAttempt([burst[1]!])).toEqual(attempt);
    expect(await ledger.findBegun([burst[0]!])).toBe(attempt.startedAt);
    const keys = await redis.connection.keys(`${prefix}*`);
    expect(keys).toHaveLength(6);
    const withText = burst.map((id) => feelbotKey(prefix, 'post-attempt', id));
    for (const key of keys) {
      const [value, ttl] = [await redis.connection.get(key), await redis.connection.ttl(key)];
      if (withText.includes(key)) {
        expect(value).toContain('finally got the job');
        expect(ttl).toBeGreaterThan(HOUR_SECONDS - 60);
        expect(ttl).toBeLessThanOrEqual(HOUR_SECONDS);
      } else {
        expect(value).not.toContain('finally got the job');
        expect(ttl).toBeGreaterThan(WEEK_SECONDS - 60);
      }
    }
  });

  it('lets the attempt go once the messages are answered; the answer, and which messages the reply answers, last a week', async () => {
    const { prefix, ledger } = ledgerUnder();
    const burst = [snowflake(), snowflake()];
    const replyId = snowflake();
    await ledger.recordAttempt(burst, { digest: replyDigest(REPLY), persona: 'Joy', startedAt: Date.now() }, REPLY);
    await ledger.record(burst, replyId);

    expect(await ledger.find([burst[0]!])).toBe(replyId);
    expect(await ledger.answeredWith(replyId)).toEqual(burst);
    expect(await ledger.answeredWith(snowflake())).toBeUndefined();
    expect(await ledger.findAttempt(burst)).toBeUndefined();
    const keys = await redis.connection.keys(`${prefix}*`);
    expect(keys.sort()).toEqual([...burst.map((id) => feelbotKey(prefix, 'answered', id)), feelbotKey(prefix, 'answers', replyId)].sort());
    for (const key of keys) expect(await redis.connection.ttl(key)).toBeGreaterThan(WEEK_SECONDS - 60);
  });

  it('still reads the attempt an earlier version noted (its text for an hour, the time alone for a week), and forgets it', async () => {
    const { prefix, ledger } = ledgerUnder();
    const [messageId, another] = [snowflake(), snowflake()];
    const startedAt = Date.now();
    await redis.connection.set(feelbotKey(prefix, 'post-attempt', messageId), JSON.stringify({ content: `${REPLY}\n`, persona: 'Joy', personaKey: 'joy', startedAt }), 'EX', HOUR_SECONDS);
    await redis.connection.set(feelbotKey(prefix, 'post-begun', messageId), String(startedAt), 'EX', WEEK_SECONDS);
    await redis.connection.set(feelbotKey(prefix, 'post-begun', another), String(startedAt), 'EX', WEEK_SECONDS);

    expect(await ledger.findAttempt([messageId])).toEqual({ digest: replyDigest(REPLY), persona: 'Joy', personaKey: 'joy', startedAt });
    expect(await ledger.findBegun([messageId])).toBe(startedAt);
    // Its text gone after the hour, what is left says only that a post was begun.
    expect(await ledger.findAttempt([another])).toBeUndefined();
    expect(await ledger.findBegun([another])).toBe(startedAt);

    await ledger.forgetAttempt([messageId, another]);
    expect(await redis.connection.keys(`${prefix}*`)).toEqual([]);
  });
});
