import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RATE_LIMITS, RedisRateLimiter } from '../../../src/adapters/redis/redis-rate-limiter.js';
import { NO_COOLDOWN, type CooldownSettings, type ReplyStart } from '../../../src/ports/reply-limiter.js';
import { snowflake } from '../../factories.js';
import { usePrivateRedis } from '../../support/redis-server.js';

describe('the reply rate limiter, on a real Redis', () => {
  const redis = usePrivateRedis();

  // The per-minute counters are keyed by calendar minute: each test starts its own minute's first
  // second by the clock the limiter reads, so no stall of a busy machine carries it over a minute's end.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((Math.floor(Date.now() / 60_000) + 1) * 60_000 + 1_000);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  function freshPrefix(): string {
    return `{limits-${randomUUID().slice(0, 8)}}`;
  }
  const freshLimiter = () => new RedisRateLimiter(redis.connection, freshPrefix());
  const reply = (channelId: string, userId: string, cooldowns: CooldownSettings = NO_COOLDOWN): ReplyStart => ({ scope: 'g', channelId, userId, cooldowns });
  /** A new reply each call, as a new message's job would be. */
  const startNew = (limits: RedisRateLimiter, start: ReplyStart) => limits.tryStart(start, snowflake());

  it("a person's cooldown refuses their next reply and nobody else's", async () => {
    const limits = freshLimiter();
    const channel = snowflake();
    const [alice, bob] = [snowflake(), snowflake()];
    const cooldowns = { userCooldownSeconds: 60, channelCooldownSeconds: 0 };
    expect(await startNew(limits, reply(channel, alice, cooldowns))).toBe(true);
    expect(await startNew(limits, reply(channel, alice, cooldowns))).toBe(false);
    expect(await limits.mayStart(reply(channel, alice, cooldowns))).toBe(false);
    expect(await startNew(limits, reply(channel, bob, cooldowns))).toBe(true);
  });

  it("a reply the channel's cooldown refuses does not use up the person's cooldown", async () => {
    const limits = freshLimiter();
    const [busy, quiet] = [snowflake(), snowflake()];
    const [alice, bob] = [snowflake(), snowflake()];
    const cooldowns = { userCooldownSeconds: 60, channelCooldownSeconds: 60 };
    expect(await startNew(limits, reply(busy, bob, cooldowns))).toBe(true);
    expect(await startNew(limits, reply(busy, alice, cooldowns))).toBe(false);
    // Alice got no reply, so her own cooldown has not started: another channel answers her.
    expect(await startNew(limits, reply(quiet, alice, cooldowns))).toBe(true);
  });

  it('asking whether a reply may start takes nothing', async () => {
    const limits = freshLimiter();
    const channel = snowflake();
    const alice = snowflake();
    const cooldowns = { userCooldownSeconds: 60, channelCooldownSeconds: 60 };
    for (let i = 0; i < RATE_LIMITS.perChannelPerMinute + 2; i += 1) expect(await limits.mayStart(reply(channel, alice, cooldowns))).toBe(true);
    expect(await startNew(limits, reply(channel, alice, cooldowns))).toBe(true);
    expect(await limits.mayStart(reply(channel, alice, cooldowns))).toBe(false);
  });

  it('a retried reply starts again without counting twice or tripping its own cooldown', async () => {
    const limits = freshLimiter();
    const channel = snowflake();
    const alice = snowflake();
    const cooldowns = { userCooldownSeconds: 60, channelCooldownSeconds: 0 };
    const first = reply(channel, alice, cooldowns);
    const replyId = snowflake();
    expect(await limits.tryStart(first, replyId)).toBe(true);
    expect(await limits.tryStart(first, replyId)).toBe(true);
    expect(await startNew(limits, first)).toBe(false);
    // Without cooldowns, the per-minute window counted the retried reply once.
    const chatty = snowflake();
    const again = snowflake();
    for (let i = 0; i < 3; i += 1) expect(await limits.tryStart(reply(channel, chatty), again)).toBe(true);
    const answers = [];
    for (let i = 0; i < RATE_LIMITS.perUserPerMinute; i += 1) answers.push(await startNew(limits, reply(channel, chatty)));
    expect(answers.filter(Boolean)).toHaveLength(RATE_LIMITS.perUserPerMinute - 1);
  });

  it('a person gets at most the per-minute limit, and refused tries do not fill the channel window', async () => {
    const limits = freshLimiter();
    const channel = snowflake();
    const chatty = snowflake();
    const answers = [];
    for (let i = 0; i < RATE_LIMITS.perUserPerMinute + 4; i += 1) answers.push(await startNew(limits, reply(channel, chatty)));
    expect(answers.filter(Boolean)).toHaveLength(RATE_LIMITS.perUserPerMinute);
    expect(answers.slice(RATE_LIMITS.perUserPerMinute).every((answer) => !answer)).toBe(true);
    // The channel has room for exactly the rest of its own limit, whatever the chatty person tried.
    const others = [];
    for (let i = 0; i < RATE_LIMITS.perChannelPerMinute; i += 1) others.push(await startNew(limits, reply(channel, snowflake())));
    expect(others.filter(Boolean)).toHaveLength(RATE_LIMITS.perChannelPerMinute - RATE_LIMITS.perUserPerMinute);
  });

  it('two workers racing for the last reply the limits allow: exactly one gets it', async () => {
    const prefix = freshPrefix();
    const second = redis.connection.duplicate();
    try {
      const workers = [new RedisRateLimiter(redis.connection, prefix), new RedisRateLimiter(second, prefix)];
      const start = reply(snowflake(), snowflake(), { userCooldownSeconds: 30, channelCooldownSeconds: 0 });
      const raced = await Promise.all(workers.map((limits) => startNew(limits, start)));
      expect(raced.filter(Boolean)).toHaveLength(1);
    } finally {
      second.disconnect();
    }
  });
});
