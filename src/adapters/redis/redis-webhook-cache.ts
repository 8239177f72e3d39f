import type { Redis } from 'ioredis';
import type { WebhookCache } from '../../ports/webhook-cache.js';
import { feelbotKey } from './redis-connection.js';

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

export class RedisWebhookCache implements WebhookCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async forgetChannels(channelIds: readonly string[]): Promise<number> {
    if (channelIds.length === 0) return 0;
    return this.redis.del(...channelIds.map((channelId) => webhookCacheKey(this.prefix, channelId)));
  }
}
