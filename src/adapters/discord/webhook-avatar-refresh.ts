import { createHash } from 'node:crypto';
import { errorCodeOf } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import type { ChannelWebhooks, WebhookSpec } from './channel-webhooks.js';
import { isRefusal } from './discord-refusal.js';
import { asDiscordRequestError } from './discord-request-error.js';
import type { CachedWebhook, WebhookCacheEntries } from './webhook-cache-entries.js';
import type { WebhookCredentials } from './webhook-location.js';

/** Tells two avatar images apart without keeping them. */
export function avatarDigest(dataUri: string): string {
  return createHash('sha256').update(dataUri).digest('hex').slice(0, 16);
}

/**
 * A webhook found in the channel (an earlier feelbot's), or made or last given another image,
 * is given the avatar its spec asks for, once per image however many workers post through it:
 * the image's digest is cached with the webhook.
 */
export class WebhookAvatarRefresh {
  constructor(
    private readonly cache: WebhookCacheEntries,
    private readonly discord: ChannelWebhooks,
  ) {}

  /** Failing to change it, the webhook posts with the image it has: one Discord refused is not asked for again. */
  async showing(channelId: string, spec: WebhookSpec, webhook: CachedWebhook, log: Logger): Promise<WebhookCredentials> {
    const credentials = { id: webhook.id, token: webhook.token };
    const avatar = await spec.avatar?.();
    if (!avatar) return credentials;
    const digest = avatarDigest(avatar);
    if (webhook.avatarDigest === digest) return credentials;
    try {
      await this.discord.setAvatar(credentials, avatar);
    } catch (error) {
      const coded = asDiscordRequestError(error, `the avatar of webhook ${webhook.id}`);
      const fields = { err: coded, code: errorCodeOf(coded), persona: spec.slot, webhookId: webhook.id, channelId };
      if (!isRefusal(error)) {
        log.debug(fields, "the persona's own webhook keeps its former avatar until a later post sets it");
        return credentials;
      }
      log.warn(fields, "Discord would not change the avatar of the persona's own webhook; its posts there show the image it had");
    }
    await this.record(channelId, spec.slot, webhook.id, digest);
    return credentials;
  }

  private async record(channelId: string, slot: string, webhookId: string, digest: string): Promise<void> {
    const current = await this.cache.read(channelId, slot);
    if (current?.webhook.id !== webhookId) return;
    await this.cache.swap(channelId, slot, current.raw, { ...current.webhook, avatarDigest: digest });
  }
}
