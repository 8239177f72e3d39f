import type { Redis } from 'ioredis';
import { withChannelWebhookLock } from './channel-webhook-lock.js';
import type { ChannelWebhooks, WebhookSpec } from './channel-webhooks.js';
import type { WebhookCacheEntries } from './webhook-cache-entries.js';

/** A webhook is retired after the post that showed it unused: a busy lock is not waited for, a later post retires it. */
const RETIRE_LOCK_MAX_WAIT_MS = 0;

/** Deletes a channel's webhook that no worker posts through any more, and its cache slot. */
export class WebhookRetirement {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cache: WebhookCacheEntries,
    private readonly discord: ChannelWebhooks,
    private readonly options: { readonly now: () => number; readonly revalidateAfterMs: number },
  ) {}

  /**
   * Deletes the channel's webhook of `spec` and its cache slot once no worker can still be posting
   * through it: unconfirmed for `inUseForMs` (how long a worker may go on using it) and the
   * revalidation interval (it is confirmed at least that often while in use). Only a webhook
   * Discord says is feelbot's, named as `spec` and in this channel is deleted; another's slot is
   * just dropped. With nothing cached it asks Discord nothing. A busy channel lock or a Discord
   * failure throws and leaves both for a later call.
   */
  async retire(channelId: string, spec: WebhookSpec, inUseForMs: number): Promise<void> {
    const cached = await this.cache.read(channelId, spec.slot);
    if (!cached || this.options.now() - (cached.webhook.checkedAt ?? 0) < inUseForMs + this.options.revalidateAfterMs) return;
    await withChannelWebhookLock(
      this.redis,
      this.prefix,
      channelId,
      async () => {
        // Confirmed or replaced meanwhile: a worker posts through it.
        if ((await this.cache.read(channelId, spec.slot))?.raw !== cached.raw) return;
        await this.discord.deleteOurs(channelId, cached.webhook, spec.name);
        await this.cache.swap(channelId, spec.slot, cached.raw, undefined);
      },
      { maxWaitMs: RETIRE_LOCK_MAX_WAIT_MS },
    );
  }
}
