import type { Redis } from 'ioredis';
import type { ReplyLimiter, ReplyStart } from '../../ports/reply-limiter.js';
import { minuteWindow } from './minute-window.js';
import { feelbotKey } from './redis-connection.js';

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
 * When a person's or a channel's last reply started is kept this long: the longest cooldown the
 * guild settings allow (a day), so a cooldown raised later still measures from that start.
 */
export const COOLDOWN_START_TTL_SECONDS = 86_400;

/**
 * Checks both cooldowns and both per-minute counters; in `take` mode it then takes all four or
 * none, in one step: a refused reply uses up nothing (not the person's cooldown when the
 * channel's refuses, and no count in either window), and two workers can never both start a reply
 * the limits allow once. A reply that already holds its claim (a retry) starts again for free.
 * A cooldown is measured from when the last reply started (Redis's own clock, which every process
 * shares) against the cooldown the settings give now, so lowering or raising one applies at once.
 * The previous release (120e196) keeps only a flag `'1'` under the cooldown key, expiring with the
 * cooldown then in force: such a flag cools down until it expires. This release writes that key too,
 * with the start time instead of `'1'` and the same expiry, for the previous release alone: drop
 * that write (KEYS[1], KEYS[2]) in the release after next.
 * KEYS: user cooldown flag, channel cooldown flag, channel window, user window, the reply's claim,
 *   user cooldown start, channel cooldown start.
 * ARGV: user cooldown s, channel cooldown s, channel limit, user limit, window TTL ms, mode, claim TTL s,
 *   cooldown start TTL s.
 */
const START = `
local taking = ARGV[6] == 'take'
if taking and redis.call('EXISTS', KEYS[5]) == 1 then return 1 end
local time = redis.call('TIME')
local startedAt = time[1] .. string.format('%03d', math.floor(tonumber(time[2]) / 1000))
local nowMs = tonumber(startedAt)
local function cooling(flagKey, startKey, seconds)
  if seconds <= 0 then return false end
  if redis.call('GET', flagKey) == '1' then return true end
  local started = redis.call('GET', startKey)
  return started ~= false and nowMs - tonumber(started) < seconds * 1000
end
-- The expiry goes to SET as the argument came, a whole number of seconds.
local function startCooldown(flagKey, startKey, seconds)
  if tonumber(seconds) <= 0 then return end
  redis.call('SET', startKey, startedAt, 'EX', ARGV[8])
  redis.call('SET', flagKey, startedAt, 'EX', seconds)
end
if cooling(KEYS[1], KEYS[6], tonumber(ARGV[1])) then return 0 end
if cooling(KEYS[2], KEYS[7], tonumber(ARGV[2])) then return 0 end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[3]) then return 0 end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[4]) then return 0 end
if not taking then return 1 end
startCooldown(KEYS[1], KEYS[6], ARGV[1])
startCooldown(KEYS[2], KEYS[7], ARGV[2])
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
      7,
      feelbotKey(this.prefix, 'cooldown', `u:${scope}:${userId}`),
      feelbotKey(this.prefix, 'cooldown', `c:${channelId}`),
      feelbotKey(this.prefix, `rate:c:${channelId}:${window.index}`),
      feelbotKey(this.prefix, `rate:u:${userId}:${window.index}`),
      claimKey,
      feelbotKey(this.prefix, 'cooldown-start', `u:${scope}:${userId}`),
      feelbotKey(this.prefix, 'cooldown-start', `c:${channelId}`),
      Math.max(0, Math.floor(cooldowns.userCooldownSeconds)),
      Math.max(0, Math.floor(cooldowns.channelCooldownSeconds)),
      RATE_LIMITS.perChannelPerMinute,
      RATE_LIMITS.perUserPerMinute,
      window.counterTtlMs,
      mode,
      START_CLAIM_SECONDS,
      COOLDOWN_START_TTL_SECONDS,
    );
    return started === 1;
  }
}
