import type { Redis } from 'ioredis';
import { feelbotKey } from '../adapters/redis/redis-connection.js';

/**
 * Hard limits that keep the bot a good citizen whatever the guild settings say: a busy channel
 * gets at most one reply every 5 seconds on average, one person one every 10.
 */
export const RATE_LIMITS = {
  perChannelPerMinute: 12,
  perUserPerMinute: 6,
} as const;

const MINUTE_MS = 60_000;

export interface CooldownSettings {
  readonly userCooldownSeconds: number;
  readonly channelCooldownSeconds: number;
}

/**
 * Checks both cooldowns and both per-minute counters, then takes all four or none, in one step:
 * a refused reply uses up nothing (not the person's cooldown when the channel's refuses, and no
 * count in either window), and two gateways can never both start a reply the limits allow once.
 * KEYS: user cooldown, channel cooldown, channel window, user window.
 * ARGV: user cooldown s, channel cooldown s, channel limit, user limit, window TTL ms.
 */
const TRY_START = `
if tonumber(ARGV[1]) > 0 and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if tonumber(ARGV[2]) > 0 and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[3]) then return 0 end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[4]) then return 0 end
if tonumber(ARGV[1]) > 0 then redis.call('SET', KEYS[1], '1', 'EX', ARGV[1]) end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[2], '1', 'EX', ARGV[2]) end
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[5])
redis.call('INCR', KEYS[4])
redis.call('PEXPIRE', KEYS[4], ARGV[5])
return 1
`;

/** Fixed-window counters and cooldown keys in Redis, shared by every gateway. */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** True when a new reply may start; then, and only then, it counts and starts the cooldowns. */
  async tryStart(scope: string, channelId: string, userId: string, cooldowns: CooldownSettings): Promise<boolean> {
    const window = Math.floor(Date.now() / MINUTE_MS);
    const started = await this.redis.eval(
      TRY_START,
      4,
      feelbotKey(this.prefix, 'cooldown', `u:${scope}:${userId}`),
      feelbotKey(this.prefix, 'cooldown', `c:${channelId}`),
      feelbotKey(this.prefix, `rate:c:${channelId}:${window}`),
      feelbotKey(this.prefix, `rate:u:${userId}:${window}`),
      Math.max(0, Math.floor(cooldowns.userCooldownSeconds)),
      Math.max(0, Math.floor(cooldowns.channelCooldownSeconds)),
      RATE_LIMITS.perChannelPerMinute,
      RATE_LIMITS.perUserPerMinute,
      MINUTE_MS * 2,
    );
    return started === 1;
  }
}
