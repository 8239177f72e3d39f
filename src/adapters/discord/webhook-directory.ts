import type { REST } from 'discord.js';
import type { Redis } from 'ioredis';
import { NO_LOGS, type Logger } from '../../ports/logger.js';
import { recordPersonaWebhook } from '../redis/persona-webhook-ids.js';
import { ChannelWebhooks, type WebhookSpec } from './channel-webhooks.js';
import { WebhookAdoption } from './webhook-adoption.js';
import { WebhookAvatarRefresh } from './webhook-avatar-refresh.js';
import { WebhookCacheEntries, type CacheEntry } from './webhook-cache-entries.js';
import { WebhookCreation } from './webhook-creation.js';
import { locateWebhook, type WebhookCredentials } from './webhook-location.js';
import { WebhookRetirement } from './webhook-retirement.js';

export type StoredWebhook = WebhookCredentials;

export interface WebhookDirectoryOptions {
  /**
   * A cached webhook not confirmed for this long is asked where it posts before it is used, so
   * one an admin moved to another channel is replaced before a reply lands there. Defaults to 5 minutes.
   */
  readonly revalidateAfterMs?: number;
  /**
   * The client that creates webhooks (default: the one given). It must not repeat a create on a
   * 5xx or a timeout by itself: Discord may have made the webhook before failing, and the next
   * attempt lists the channel's webhooks first and reuses it.
   */
  readonly createRest?: REST;
  /** The clock of the cache's confirmations, which also tells when a webhook was last in use. Defaults to Date.now. */
  readonly now?: () => number;
}

const DEFAULT_OPTIONS = { revalidateAfterMs: 5 * 60_000, now: Date.now } as const satisfies Required<Omit<WebhookDirectoryOptions, 'createRest'>>;

/**
 * Finds or creates feelbot's webhooks, one per channel and slot, cached in Redis so every worker
 * reuses them. A webhook deleted under the bot is forgotten and made again; so is one an admin
 * moved to another channel, found out when it is revalidated before use.
 */
export class WebhookDirectory {
  private readonly options: Required<Omit<WebhookDirectoryOptions, 'createRest'>>;
  private readonly cache: WebhookCacheEntries;
  private readonly creation: WebhookCreation;
  private readonly avatars: WebhookAvatarRefresh;
  private readonly retirement: WebhookRetirement;

  constructor(
    private readonly rest: REST,
    private readonly redis: Redis,
    private readonly prefix: string,
    applicationId: () => Promise<string>,
    options: WebhookDirectoryOptions = {},
  ) {
    const { createRest, ...settings } = options;
    this.options = { ...DEFAULT_OPTIONS, ...settings };
    const discord = new ChannelWebhooks(this.rest, createRest ?? this.rest, applicationId);
    this.cache = new WebhookCacheEntries(redis, prefix);
    this.creation = new WebhookCreation(redis, prefix, this.cache, discord, new WebhookAdoption(redis, prefix, this.cache, this.options), this.options);
    this.avatars = new WebhookAvatarRefresh(this.cache, discord);
    this.retirement = new WebhookRetirement(redis, prefix, this.cache, discord, this.options);
  }

  /**
   * `signal` (a worker's shutdown) stops a wait for another worker's creation lock: it rejects with
   * an AbortError. A webhook that must show `spec.avatar` is given it when it shows another image.
   */
  async get(channelId: string, spec: WebhookSpec, signal?: AbortSignal, log: Logger = NO_LOGS): Promise<StoredWebhook> {
    const cached = await this.cache.read(channelId, spec.slot);
    const webhook = cached && (await this.stillPostsHere(channelId, spec.slot, cached)) ? cached.webhook : await this.creation.findOrCreate(channelId, spec, cached?.raw, signal);
    return this.avatars.showing(channelId, spec, webhook, log);
  }

  /** Deletes the channel's webhook of `spec` once unused for `inUseForMs`; see WebhookRetirement. */
  retire(channelId: string, spec: WebhookSpec, inUseForMs: number): Promise<void> {
    return this.retirement.retire(channelId, spec, inUseForMs);
  }

  /**
   * Drops a deleted or moved webhook from the cache. It stays among the webhooks feelbot posted
   * through in the channel (cached before those were remembered, it is remembered now): replies
   * to the personas' messages it posted still talk to the bot.
   */
  async forget(channelId: string, slot: string): Promise<void> {
    const cached = await this.cache.read(channelId, slot);
    if (cached) await recordPersonaWebhook(this.redis, this.prefix, channelId, cached.webhook.id);
    await this.cache.remove(channelId, slot);
  }

  /**
   * True when the cached webhook was confirmed recently, or Discord says it still posts in this
   * channel (or cannot say: the post itself still catches a stale webhook). A moved or deleted
   * one is dropped from the cache.
   */
  private async stillPostsHere(channelId: string, slot: string, cached: CacheEntry): Promise<boolean> {
    if (this.options.now() - (cached.webhook.checkedAt ?? 0) < this.options.revalidateAfterMs) return true;
    const location = await locateWebhook(this.rest, cached.webhook);
    if (location === 'unknown') return true;
    const here = location !== 'gone' && location.channelId === channelId;
    await this.cache.swap(channelId, slot, cached.raw, here ? { ...cached.webhook, checkedAt: this.options.now() } : undefined);
    // Still in use: remembered again, so a webhook serving a channel for months is never let expire.
    if (here) await recordPersonaWebhook(this.redis, this.prefix, channelId, cached.webhook.id);
    return here;
  }
}
