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
    return this.underChannelLock(channelId, signal, (lock) => this.underLock(channelId, spec, staleRaw, lock, signal));
  }

  private async underChannelLock<T>(channelId: string, signal: AbortSignal | undefined, work: (lock: HeldLock) => Promise<T>): Promise<T> {
    try {
      return await withChannelWebhookLock(this.redis, this.prefix, channelId, work, { maxWaitMs: CREATE_LOCK_MAX_WAIT_MS, signal });
    } catch (error) {
      if (!(error instanceof RedisLockTimeoutError)) throw error;
      throw new FeelbotError(ErrorCodes.WebhookBusy, `Another worker is still creating the webhook for <#${channelId}> after ${error.waitedMs} ms.`, {
        cause: error,
        details: { channelId },
      });
    }
  }

  /** Another worker may have cached the webhook while this one waited for the lock. */
  private async underLock(channelId: string, spec: WebhookSpec, staleRaw: string | undefined, lock: HeldLock, signal: AbortSignal | undefined): Promise<CachedWebhook> {
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
    return this.afterLosingLock(channelId, spec.slot, staleRaw, found, !existing, signal);
  }

  /**
   * This worker stalled past the lock's TTL while it listed or created, and another took the lock
   * over, perhaps still creating its own. This one takes the lock again: what the other cached
   * wins, and a webhook this one made is deleted rather than left behind toward the channel's 15;
   * with nothing new cached, this one's is cached. One that cannot take the lock again (shutdown,
   * WEBHOOK_BUSY) deletes the webhook it made unless it is cached by then, and posts nothing.
   */
  private async afterLosingLock(channelId: string, slot: string, staleRaw: string | undefined, found: CachedWebhook, madeHere: boolean, signal: AbortSignal | undefined): Promise<CachedWebhook> {
    try {
      return await this.underChannelLock(channelId, signal, async (lock) => {
        const winner = await this.cache.read(channelId, slot);
        if (winner && winner.raw !== staleRaw) {
          if (madeHere && found.id !== winner.webhook.id) await this.discord.deleteQuietly(found);
          return winner.webhook;
        }
        if (await this.cache.cacheIfHeld(lock, channelId, slot, { ...found, checkedAt: this.clock.now() })) return found;
        return this.afterLosingLock(channelId, slot, staleRaw, found, madeHere, signal);
      });
    } catch (error) {
      // Should the lock's holder be caching it just now, its first post finds it gone and makes another.
      if (madeHere) await this.deleteUnlessCached(channelId, found).catch(() => undefined);
      throw error;
    }
  }

  private async deleteUnlessCached(channelId: string, webhook: CachedWebhook): Promise<void> {
    if (!(await this.cache.webhookIds(channelId)).has(webhook.id)) await this.discord.deleteQuietly(webhook);
  }
}
