import type { Redis } from 'ioredis';
import { recordPersonaWebhook } from '../redis/persona-webhook-ids.js';
import type { HeldLock } from '../redis/redis-lock.js';
import type { ListedWebhook } from './channel-webhooks.js';
import { ownWebhookSlot } from './persona-webhook.js';
import type { WebhookCacheEntries } from './webhook-cache-entries.js';

/**
 * Caches the personas' own webhooks of feelbot's that a listing of a channel found and the cache
 * lost (a Redis flush, its 90 days run out, an older feelbot's), as in use just now: the persona
 * posts through it again, or retirement deletes it once unused, instead of it holding one of the
 * channel's 15 for good.
 */
export class WebhookAdoption {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cache: WebhookCacheEntries,
    private readonly clock: { readonly now: () => number },
  ) {}

  /**
   * `listed` is what the worker holding the channel's `lock` just listed; `exceptName` the webhook
   * it caches itself. A slot another worker cached is left as it is, and so is every webhook
   * cached under any slot: one a worker made and is caching is the same entry either way.
   */
  async adopt(lock: HeldLock, channelId: string, listed: readonly ListedWebhook[], exceptName: string): Promise<void> {
    const strays = listed.filter((hook) => hook.name !== exceptName);
    if (strays.length === 0) return;
    const cached = await this.cache.webhookIds(channelId);
    for (const hook of strays) {
      const slot = hook.name === null ? undefined : ownWebhookSlot(hook.name);
      if (!slot || cached.has(hook.id)) continue;
      const adopted = await this.cache.cacheIfHeldAndEmpty(lock, channelId, slot, { id: hook.id, token: hook.token, checkedAt: this.clock.now() });
      // It posted as the persona before: replies to those messages still talk to the bot once it is retired.
      if (adopted) await recordPersonaWebhook(this.redis, this.prefix, channelId, hook.id);
    }
  }
}
