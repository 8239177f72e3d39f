import type { RedisWebhookCache } from '../adapters/redis/redis-webhook-cache.js';
import { errorCodeOf } from '../errors.js';
import type { Logger } from '../ports/logger.js';

/**
 * In the background at start: channels' webhook caches written before they had an expiry get one,
 * so an upgrade leaves no token in Redis for good. Every worker does it; a second finds nothing.
 */
export function boundWebhookCaches(cache: Pick<RedisWebhookCache, 'expireUnbounded'>, logger: Logger): void {
  cache.expireUnbounded().then(
    (set) => {
      if (set > 0) logger.info({ channels: set }, 'gave cached webhooks written by an earlier version an expiry');
    },
    (error: unknown) => logger.warn({ err: error, code: errorCodeOf(error) }, 'could not give older cached webhooks an expiry; the next start tries again'),
  );
}
