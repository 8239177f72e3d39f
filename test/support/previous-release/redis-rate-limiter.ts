// Frozen: the previous release's rate limiter, `git show 120e196:src/adapters/redis/redis-rate-limiter.ts`,
// for the tests of a rolling upgrade (its gateways and workers still run beside the new ones for a while).
// Changed only where it must: the imports point at today's modules. Do not update it; delete it with
// the compatibility write in src/adapters/redis/redis-rate-limiter.ts.
import type { Redis } from 'ioredis';
import type { ReplyLimiter, ReplyStart } from '../../../src/ports/reply-limiter.js';
import { minuteWindow } from '../../../src/adapters/redis/minute-window.js';
import { feelbotKey } from '../../../src/adapters/redis/redis-connection.js';

/**
 * Hard limits that keep the bot a good citizen whatever the guild settings say: a busy channel
 * gets at most one reply every 5 seconds on average, one person one every 10.
 */
export const RATE_LIMITS = {
  perChannelPerMinute: 12,
  perUserPerMinute: 6,
} as const;

/** A retried job keeps its start this long; BullMQ's retries of one reply end well before. */
const START_CLAIM_SECONDS = 24 * 60 * 60;

/**
 * Checks both cooldowns and both per-minute counters; in `take` mode it then takes all four or
 * none, in one step: a refused reply uses up nothing (not the person's cooldown when the
 * channel's refuses, and no count in either window), and two workers can never both start a reply
 * the limits allow once. A reply that already holds its claim (a retry) starts again for free.
 * KEYS: user cooldown, channel cooldown, channel window, user window[, the reply's claim].
 * ARGV: user cooldown s, channel cooldown s, channel limit, user limit, window TTL ms, mode, claim TTL s.
 */
const START = `
local taking = ARGV[6] == 'take'
if taking and redis.call('EXISTS', KEYS[5]) == 1 then return 1 end
if tonumber(ARGV[1]) > 0 and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if tonumber(ARGV[2]) > 0 and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[3]) then return 0 end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[4]) then return 0 end
if not taking then return 1 end
if tonumber(ARGV[1]) > 0 then redis.call('SET', KEYS[1], '1', 'EX', ARGV[1]) end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[2], '1', 'EX', ARGV[2]) end
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
redis.call('INCR', KEYS[4])
redis.call('PEXPIRE', KEYS[4], ARGV[5])
redis.call('SET', KEYS[5], '1', 'EX', ARGV[7])
return 1
`;

/** Fixed-window counters, cooldown keys and per-reply claims in Redis, shared by every process. */
export class RedisRateLimiter implements ReplyLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async mayStart(start: ReplyStart): Promise<boolean> {
    return this.run(start, 'check', feelbotKey(this.prefix, 'reply-start', 'none'));
  }

  async tryStart(start: ReplyStart, replyId: string): Promise<boolean> {
    return this.run(start, 'take', feelbotKey(this.prefix, 'reply-start', replyId));
  }

  private async run({ scope, channelId, userId, cooldowns }: ReplyStart, mode: 'check' | 'take', claimKey: string): Promise<boolean> {
    const window = minuteWindow();
    const started = await this.redis.eval(
      START,
      5,
      feelbotKey(this.prefix, 'cooldown', `u:${scope}:${userId}`),
      feelbotKey(this.prefix, 'cooldown', `c:${channelId}`),
      feelbotKey(this.prefix, `rate:c:${channelId}:${window.index}`),
      feelbotKey(this.prefix, `rate:u:${userId}:${window.index}`),
      claimKey,
      Math.max(0, Math.floor(cooldowns.userCooldownSeconds)),
      Math.max(0, Math.floor(cooldowns.channelCooldownSeconds)),
      RATE_LIMITS.perChannelPerMinute,
      RATE_LIMITS.perUserPerMinute,
      window.counterTtlMs,
      mode,
      START_CLAIM_SECONDS,
    );
    return started === 1;
  }
}
