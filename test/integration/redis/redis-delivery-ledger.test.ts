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

  it('still reads the attempt an earlier version noted (its text for an hour, the time alone for a week), and drops it once they are answered', async () => {
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

    // Noted answered, the messages need none of it any longer.
    await ledger.record([messageId, another], snowflake());
    expect((await redis.connection.keys(`${prefix}*`)).filter((key) => key.includes(':post-'))).toEqual([]);
  });

  it("forgets a run's own attempt, and nothing another worker noted since: this release's note, or the previous release's beside it", async () => {
    const { prefix, ledger } = ledgerUnder();
    const burst = [snowflake(), snowflake()];
    const startedAt = Date.now();
    const own = { digest: replyDigest(REPLY), persona: 'Joy', personaKey: 'joy' as const, startedAt };
    await ledger.recordAttempt(burst, own, REPLY);
    await ledger.forgetOwnAttempt(burst, own);
    expect(await redis.connection.keys(`${prefix}*`)).toEqual([]);

    // The job's new holder noted its attempt after this run's: its note stays whole.
    const theirs = { digest: replyDigest('Another reply'), persona: 'Sadness', personaKey: 'sadness' as const, startedAt: startedAt + 1 };
    await ledger.recordAttempt(burst, own, REPLY);
    await ledger.recordAttempt(burst, theirs, 'Another reply');
    await ledger.forgetOwnAttempt(burst, own);
    expect(await ledger.findAttempt(burst)).toEqual(theirs);
    expect(await ledger.findBegun(burst)).toBe(theirs.startedAt);
    expect(await redis.connection.keys(`${prefix}*`)).toHaveLength(6);
    await ledger.forgetOwnAttempt(burst, theirs);

    // A worker of the previous release noted its attempt (the text and the begun time, never post-noted) after this run's.
    const older = { content: 'Older words', persona: 'Joy', personaKey: 'joy', startedAt: startedAt + 2 };
    await ledger.recordAttempt(burst, own, REPLY);
    for (const id of burst) {
      await redis.connection.set(feelbotKey(prefix, 'post-attempt', id), JSON.stringify(older), 'EX', HOUR_SECONDS);
      await redis.connection.set(feelbotKey(prefix, 'post-begun', id), String(older.startedAt), 'EX', WEEK_SECONDS);
    }
    await ledger.forgetOwnAttempt(burst, own);
    expect(await ledger.findAttempt(burst)).toEqual({ digest: replyDigest('Older words'), persona: 'Joy', personaKey: 'joy', startedAt: older.startedAt });
    expect(await ledger.findBegun(burst)).toBe(older.startedAt);
    expect((await redis.connection.keys(`${prefix}*`)).sort()).toEqual(burst.flatMap((id) => [feelbotKey(prefix, 'post-attempt', id), feelbotKey(prefix, 'post-begun', id)]).sort());
  });

  it("finds the later attempt where a worker of the previous release noted one after this release's note", async () => {
    const { prefix, ledger } = ledgerUnder();
    const [messageId, another] = [snowflake(), snowflake()];
    const startedAt = Date.now();
    await ledger.recordAttempt([messageId, another], { digest: replyDigest(REPLY), persona: 'Joy', personaKey: 'joy', startedAt }, REPLY);
    await redis.connection.set(feelbotKey(prefix, 'post-attempt', another), JSON.stringify({ content: 'Later words', persona: 'Joy', personaKey: 'joy', startedAt: startedAt + 1 }), 'EX', HOUR_SECONDS);

    expect(await ledger.findAttempt([messageId, another])).toEqual({ digest: replyDigest('Later words'), persona: 'Joy', personaKey: 'joy', startedAt: startedAt + 1 });
    // Where only this release's note is later, it is the one found.
    expect(await ledger.findAttempt([messageId])).toEqual({ digest: replyDigest(REPLY), persona: 'Joy', personaKey: 'joy', startedAt });
  });
  it("forgets a run's own attempt whatever its text holds: a lone UTF-16 surrogate, which JSON.stringify writes as an escape Redis's Lua cannot decode", async () => {
    const { prefix, ledger } = ledgerUnder();
    const ids = [snowflake(), snowflake()];
    const text = 'So happy for you \ud83d';
    const attempt = { digest: replyDigest(text), persona: 'Joy', personaKey: 'joy' as const, startedAt: Date.now() };
    await ledger.recordAttempt(ids, attempt, text);
    await ledger.forgetOwnAttempt(ids, attempt);
    expect(await redis.connection.keys(`${prefix}*`)).toEqual([]);
  });
});
