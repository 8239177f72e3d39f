import type { Redis } from 'ioredis';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { recordPersonaWebhook } from '../redis/persona-webhook-ids.js';
import { RedisLockTimeoutError, type HeldLock } from '../redis/redis-lock.js';
import { withChannelWebhookLock } from './channel-webhook-lock.js';
import type { ChannelWebhooks, WebhookSpec } from './channel-webhooks.js';
import type { WebhookAdoption } from './webhook-adoption.js';
import { avatarDigest } from './webhook-avatar-refresh.js';
import type { CachedWebhook, WebhookCacheEntries } from './webhook-cache-entries.js';

/**
 * Two workers must not create the same webhook at once. The holder renews the lock while it lists
 * and creates, so a slow create (REST timeouts and retries, rate-limit waits) never lets a waiter in;
 * this long covers the worst case of both requests (4 attempts of 15 s, plus 10 s waits, each).
 */
const CREATE_LOCK_MAX_WAIT_MS = 3 * 60_000;

/**
 * Finds feelbot's webhook in a channel, or creates it, under the channel's lock, and caches it for
 * every worker with when Discord confirmed it. The personas' own webhooks the listing finds that
 * the cache lost are cached too, so they are reused or retired.
 */
export class WebhookCreation {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly cache: WebhookCacheEntries,
    private readonly discord: ChannelWebhooks,
    private readonly adoption: WebhookAdoption,
    private readonly clock: { readonly now: () => number },
  ) {}

  /**
   * `staleRaw` is the cache entry the caller could not use, if any. `signal` stops a wait for
   * another worker's lock (an AbortError); a wait that outlasts the lock's limit is WEBHOOK_BUSY.
   */
  async findOrCreate(channelId: string, spec: WebhookSpec, staleRaw: string | undefined, signal: AbortSignal | undefined): Promise<CachedWebhook> {
    try {
      return await withChannelWebhookLock(this.redis, this.prefix, channelId, (lock) => this.underLock(channelId, spec, staleRaw, lock), {
        maxWaitMs: CREATE_LOCK_MAX_WAIT_MS,
        signal,
      });
    } catch (error) {
      if (!(error instanceof RedisLockTimeoutError)) throw error;
      throw new FeelbotError(ErrorCodes.WebhookBusy, `Another worker is still creating the webhook for <#${channelId}> after ${error.waitedMs} ms.`, {
        cause: error,
        details: { channelId },
      });
    }
  }

  /** Another worker may have cached the webhook while this one waited for the lock. */
  private async underLock(channelId: string, spec: WebhookSpec, staleRaw: string | undefined, lock: HeldLock): Promise<CachedWebhook> {
    const again = await this.cache.read(channelId, spec.slot);
    if (again && again.raw !== staleRaw) return again.webhook;
    const ours = await this.discord.listOurs(channelId);
    // Before creating, so a create Discord refuses at the channel's 15 still leaves them to be reused or retired.
    await this.adoption.adopt(lock, channelId, ours, spec.name);
    const existing = ours.find((hook) => hook.name === spec.name);
    const avatar = existing ? undefined : await spec.avatar?.();
    const found: CachedWebhook = existing
      ? { id: existing.id, token: existing.token }
      : { ...(await this.discord.create(channelId, spec, avatar)), ...(avatar ? { avatarDigest: avatarDigest(avatar) } : {}) };
    await recordPersonaWebhook(this.redis, this.prefix, channelId, found.id);
    if (await this.cache.cacheIfHeld(lock, channelId, spec.slot, { ...found, checkedAt: this.clock.now() })) return found;
    return this.afterLosingLock(channelId, spec.slot, staleRaw, found, !existing);
  }

  /**
   * This worker stalled past the lock's TTL while it listed or created, and another took the lock
   * over. What that one cached wins, and a webhook this one made meanwhile is deleted rather than
   * left behind toward the channel's 15. With nothing new cached yet, this one's webhook serves
   * this post, uncached: the next post asks under the lock again.
   */
  private async afterLosingLock(channelId: string, slot: string, staleRaw: string | undefined, found: CachedWebhook, madeHere: boolean): Promise<CachedWebhook> {
    const winner = await this.cache.read(channelId, slot);
    if (!winner || winner.raw === staleRaw) return found;
    if (madeHere && found.id !== winner.webhook.id) await this.discord.deleteQuietly(found);
    return winner.webhook;
  }
}
