import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { COOLDOWN_START_TTL_SECONDS, RedisRateLimiter } from '../../../src/adapters/redis/redis-rate-limiter.js';
import { GuildSettingsSchema } from '../../../src/domain/guild-settings.js';
import type { ReplyStart } from '../../../src/ports/reply-limiter.js';
import { snowflake } from '../../factories.js';
import { RedisRateLimiter as PreviousRedisRateLimiter } from '../../support/previous-release/redis-rate-limiter.js';
import { usePrivateRedis } from '../../support/redis-server.js';

/** Long enough past a 1 s cooldown that no timer or Redis expiry rounding can put it back inside. */
const PAST_ONE_SECOND_MS = 1_500;
const HOUR_SECONDS = 3_600;

/**
 * An admin who changes a cooldown (/feelbot cooldown user:…) is told "Cooldowns updated", and
 * README says changes apply at once: the next reply is measured against the new cooldown, from
 * when the last reply started, whatever cooldown was in force then.
 */
describe('a changed cooldown, on a real Redis', () => {
  const redis = usePrivateRedis();
  const freshPrefix = () => `{cd-${randomUUID().slice(0, 8)}}`;
  const start = (channelId: string, userId: string, user: number, channel: number): ReplyStart => ({
    scope: 'g',
    channelId,
    userId,
    cooldowns: { userCooldownSeconds: user, channelCooldownSeconds: channel },
  });

  it('a person cooled down under an hour-long cooldown gets a reply once the new 1 s cooldown has passed', async () => {
    const limits = new RedisRateLimiter(redis.connection, freshPrefix());
    const [channelA, channelB, alice] = [snowflake(), snowflake(), snowflake()];
    expect(await limits.tryStart(start(channelA, alice, HOUR_SECONDS, 0), snowflake())).toBe(true);
    // The admin lowers the per-person cooldown to 1 s; Alice writes again later (another channel, so no channel limit applies).
    await sleep(PAST_ONE_SECOND_MS);
    expect(await limits.mayStart(start(channelB, alice, 1, 0))).toBe(true);
    expect(await limits.tryStart(start(channelB, alice, 1, 0), snowflake())).toBe(true);
  });

  it('a channel cooled down under an hour-long cooldown answers once the new 1 s cooldown has passed', async () => {
    const limits = new RedisRateLimiter(redis.connection, freshPrefix());
    const [channel, alice, bob] = [snowflake(), snowflake(), snowflake()];
    expect(await limits.tryStart(start(channel, alice, 0, HOUR_SECONDS), snowflake())).toBe(true);
    await sleep(PAST_ONE_SECOND_MS);
    expect(await limits.mayStart(start(channel, bob, 0, 1))).toBe(true);
    expect(await limits.tryStart(start(channel, bob, 0, 1), snowflake())).toBe(true);
  });

  it('a lowered cooldown still refuses a reply that comes before the new cooldown has passed', async () => {
    const limits = new RedisRateLimiter(redis.connection, freshPrefix());
    const [channelA, channelB, alice] = [snowflake(), snowflake(), snowflake()];
    expect(await limits.tryStart(start(channelA, alice, HOUR_SECONDS, 0), snowflake())).toBe(true);
    expect(await limits.mayStart(start(channelB, alice, 60, 0))).toBe(false);
    expect(await limits.tryStart(start(channelB, alice, 60, 0), snowflake())).toBe(false);
  });

  it('a person whose 1 s cooldown ran out is refused at once when the admin raises it to an hour', async () => {
    const limits = new RedisRateLimiter(redis.connection, freshPrefix());
    const [channelA, channelB, alice, bob] = [snowflake(), snowflake(), snowflake(), snowflake()];
    expect(await limits.tryStart(start(channelA, alice, 1, 0), snowflake())).toBe(true);
    await sleep(PAST_ONE_SECOND_MS);
    expect(await limits.mayStart(start(channelB, alice, HOUR_SECONDS, 0))).toBe(false);
    expect(await limits.tryStart(start(channelB, alice, HOUR_SECONDS, 0), snowflake())).toBe(false);
    // Only Alice's own reply counts: Bob, who got none, is answered under the new cooldown.
    expect(await limits.tryStart(start(channelB, bob, HOUR_SECONDS, 0), snowflake())).toBe(true);
  });

  it('a channel whose 1 s cooldown ran out stays quiet at once when the admin raises it to an hour', async () => {
    const limits = new RedisRateLimiter(redis.connection, freshPrefix());
    const [channel, alice, bob] = [snowflake(), snowflake(), snowflake()];
    expect(await limits.tryStart(start(channel, alice, 0, 1), snowflake())).toBe(true);
    await sleep(PAST_ONE_SECOND_MS);
    expect(await limits.mayStart(start(channel, bob, 0, HOUR_SECONDS))).toBe(false);
    expect(await limits.tryStart(start(channel, bob, 0, HOUR_SECONDS), snowflake())).toBe(false);
  });

  it('no cooldown the settings accept outlives the start it is measured from', () => {
    const longest = { userCooldownSeconds: COOLDOWN_START_TTL_SECONDS, channelCooldownSeconds: COOLDOWN_START_TTL_SECONDS };
    expect(GuildSettingsSchema.safeParse(longest).success).toBe(true);
    expect(GuildSettingsSchema.safeParse({ userCooldownSeconds: COOLDOWN_START_TTL_SECONDS + 1 }).success).toBe(false);
    expect(GuildSettingsSchema.safeParse({ channelCooldownSeconds: COOLDOWN_START_TTL_SECONDS + 1 }).success).toBe(false);
  });

  describe('during a rolling upgrade, beside the previous release (120e196)', () => {
    it("a reply the previous release started keeps its person and channel cooling down until its cooldown ends, and no longer", async () => {
      const prefix = freshPrefix();
      const previous = new PreviousRedisRateLimiter(redis.connection, prefix);
      const limits = new RedisRateLimiter(redis.connection, prefix);
      const [channel, other, alice, bob] = [snowflake(), snowflake(), snowflake(), snowflake()];
      expect(await previous.tryStart(start(channel, alice, 1, 1), snowflake())).toBe(true);
      expect(await limits.mayStart(start(other, alice, 1, 0))).toBe(false);
      expect(await limits.mayStart(start(channel, bob, 0, 1))).toBe(false);
      await sleep(PAST_ONE_SECOND_MS);
      expect(await limits.tryStart(start(other, alice, 1, 0), snowflake())).toBe(true);
      expect(await limits.tryStart(start(channel, bob, 0, 1), snowflake())).toBe(true);
    });

    it("a reply this release started cools its person and channel down in the previous release for the cooldown then in force, and no longer", async () => {
      const prefix = freshPrefix();
      const previous = new PreviousRedisRateLimiter(redis.connection, prefix);
      const limits = new RedisRateLimiter(redis.connection, prefix);
      const [channel, other, alice, bob] = [snowflake(), snowflake(), snowflake(), snowflake()];
      expect(await limits.tryStart(start(channel, alice, 1, 1), snowflake())).toBe(true);
      expect(await previous.mayStart(start(other, alice, 1, 0))).toBe(false);
      expect(await previous.mayStart(start(channel, bob, 0, 1))).toBe(false);
      await sleep(PAST_ONE_SECOND_MS);
      expect(await previous.tryStart(start(other, alice, 1, 0), snowflake())).toBe(true);
      expect(await previous.tryStart(start(channel, bob, 0, 1), snowflake())).toBe(true);
    });
  });
});
