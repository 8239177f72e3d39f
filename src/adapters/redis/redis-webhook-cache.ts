import type { Redis } from 'ioredis';
import type { WebhookCache } from '../../ports/webhook-cache.js';
import { feelbotKey } from './redis-connection.js';
import { scanKeys } from './scan-keys.js';

/**
 * A channel's cached webhooks live this long after they were last cached or confirmed, as long as
 * its set of webhooks posted through (persona-webhook-ids.ts): a channel no one posts in any more
 * does not keep tokens for good, and one still posted in is kept each time it is confirmed.
 */
export const WEBHOOK_CACHE_TTL_MS = 90 * 24 * 60 * 60 * 1_000;

/** The hash of a channel's cached webhooks, one JSON entry per slot. */
export function webhookCacheKey(prefix: string, channelId: string): string {
  return feelbotKey(prefix, 'webhooks', channelId);
}

/** PEXPIRE only a key that exists and has no expiry (PEXPIRE NX needs Redis 7; this runs on 6 too). */
const EXPIRE_IF_UNBOUNDED = `
if redis.call('PTTL', KEYS[1]) == -1 then return redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 0`;

export class RedisWebhookCache implements WebhookCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Gives every cached channel without an expiry (written before caches had one) the lifetime a
   * write would give it, so tokens of channels no one posts in any more do not stay for good.
   * Returns how many it set; a key that has its expiry, or is gone meanwhile, is left as it is.
   */
  async expireUnbounded(): Promise<number> {
    let set = 0;
    for await (const keys of scanKeys(this.redis, webhookCacheKey(this.prefix, ''))) {
      if (keys.length === 0) continue;
      const lives = keys.map((key) => ['eval', EXPIRE_IF_UNBOUNDED, '1', key, String(WEBHOOK_CACHE_TTL_MS)]);
      const results = (await this.redis.multi(lives).exec()) ?? [];
      set += results.filter(([error, result]) => !error && result === 1).length;
    }
    return set;
  }

  async forgetChannels(channelIds: readonly string[]): Promise<number> {
    if (channelIds.length === 0) return 0;
    return this.redis.del(...channelIds.map((channelId) => webhookCacheKey(this.prefix, channelId)));
  }
}
