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

/** Fixed-window counters and cooldown keys in Redis, shared by every gateway. */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** True when a new reply may start; counts it when so. */
  async tryStart(scope: string, channelId: string, userId: string, cooldowns: CooldownSettings): Promise<boolean> {
    if (!(await this.cooldownFree(`u:${scope}:${userId}`, cooldowns.userCooldownSeconds))) return false;
    if (!(await this.cooldownFree(`c:${channelId}`, cooldowns.channelCooldownSeconds))) return false;
    const window = Math.floor(Date.now() / MINUTE_MS);
    const channelCount = await this.count(`rate:c:${channelId}:${window}`);
    const userCount = await this.count(`rate:u:${userId}:${window}`);
    return channelCount <= RATE_LIMITS.perChannelPerMinute && userCount <= RATE_LIMITS.perUserPerMinute;
  }

  private async cooldownFree(name: string, seconds: number): Promise<boolean> {
    if (seconds <= 0) return true;
    return (await this.redis.set(feelbotKey(this.prefix, 'cooldown', name), '1', 'EX', seconds, 'NX')) === 'OK';
  }

  private async count(name: string): Promise<number> {
    const key = feelbotKey(this.prefix, name);
    const [[, count] = []] = (await this.redis.multi().incr(key).pexpire(key, MINUTE_MS * 2).exec()) ?? [];
    return Number(count);
  }
}
