import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS, RateLimiter } from '../../../src/gateway/rate-limiter.js';
import { snowflake } from '../../factories.js';
import { startPrivateRedis, type PrivateRedis } from '../../support/redis-server.js';

const NO_COOLDOWN = { userCooldownSeconds: 0, channelCooldownSeconds: 0 };

describe('the reply rate limiter, on a real Redis', () => {
  let redis: PrivateRedis;
  let connection: Redis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    connection?.disconnect();
    await redis?.stop();
  });

  function freshPrefix(): string {
    return `{limits-${randomUUID().slice(0, 8)}}`;
  }
  const freshLimiter = () => new RateLimiter(connection, freshPrefix());

  it("a person's cooldown refuses their next reply and nobody else's", async () => {
    const limits = freshLimiter();
    const channel = snowflake();
    const [alice, bob] = [snowflake(), snowflake()];
    const cooldowns = { userCooldownSeconds: 60, channelCooldownSeconds: 0 };
    expect(await limits.tryStart('g', channel, alice, cooldowns)).toBe(true);
    expect(await limits.tryStart('g', channel, alice, cooldowns)).toBe(false);
    expect(await limits.tryStart('g', channel, bob, cooldowns)).toBe(true);
  });

  it("a reply the channel's cooldown refuses does not use up the person's cooldown", async () => {
    const limits = freshLimiter();
    const [busy, quiet] = [snowflake(), snowflake()];
    const [alice, bob] = [snowflake(), snowflake()];
    const cooldowns = { userCooldownSeconds: 60, channelCooldownSeconds: 60 };
    expect(await limits.tryStart('g', busy, bob, cooldowns)).toBe(true);
    expect(await limits.tryStart('g', busy, alice, cooldowns)).toBe(false);
    // Alice got no reply, so her own cooldown has not started: another channel answers her.
    expect(await limits.tryStart('g', quiet, alice, cooldowns)).toBe(true);
  });

  it('a person gets at most the per-minute limit, and refused tries do not fill the channel window', async () => {
    const limits = freshLimiter();
    const channel = snowflake();
    const chatty = snowflake();
    const answers = [];
    for (let i = 0; i < RATE_LIMITS.perUserPerMinute + 4; i += 1) answers.push(await limits.tryStart('g', channel, chatty, NO_COOLDOWN));
    expect(answers.filter(Boolean)).toHaveLength(RATE_LIMITS.perUserPerMinute);
    expect(answers.slice(RATE_LIMITS.perUserPerMinute).every((answer) => !answer)).toBe(true);
    // The channel has room for exactly the rest of its own limit, whatever the chatty person tried.
    const others = [];
    for (let i = 0; i < RATE_LIMITS.perChannelPerMinute; i += 1) others.push(await limits.tryStart('g', channel, snowflake(), NO_COOLDOWN));
    expect(others.filter(Boolean)).toHaveLength(RATE_LIMITS.perChannelPerMinute - RATE_LIMITS.perUserPerMinute);
  });

  it('two gateways racing for the last reply the limits allow: exactly one gets it', async () => {
    const prefix = freshPrefix();
    const second = connection.duplicate();
    try {
      const gateways = [new RateLimiter(connection, prefix), new RateLimiter(second, prefix)];
      const channel = snowflake();
      const alice = snowflake();
      const cooldowns = { userCooldownSeconds: 30, channelCooldownSeconds: 0 };
      const raced = await Promise.all(gateways.map((limits) => limits.tryStart('g', channel, alice, cooldowns)));
      expect(raced.filter(Boolean)).toHaveLength(1);
    } finally {
      second.disconnect();
    }
  });
});
