import type { Redis } from 'ioredis';
import { IF_HELD, type HeldLock } from '../redis/redis-lock.js';
import { WEBHOOK_CACHE_TTL_MS, webhookCacheKey } from '../redis/redis-webhook-cache.js';
import type { WebhookCredentials } from './webhook-location.js';

/** A cache entry: the webhook and when Discord last confirmed it posts in this channel (epoch ms). */
export interface CachedWebhook extends WebhookCredentials {
  readonly checkedAt?: number;
  /**
   * The digest of the avatar feelbot made it with or last gave it (or Discord refused to give it);
   * absent on a webhook found in the channel, whose avatar is unknown.
   */
  readonly avatarDigest?: string;
}

/** A slot's entry as read: its JSON, which a later swap compares against, and the webhook in it. */
export interface CacheEntry {
  readonly raw: string;
  readonly webhook: CachedWebhook;
}

/**
 * Replaces a cache entry (or removes it, given '') only if it is still the one this worker read,
 * so a worker holding a stale entry never undoes the replacement another worker just cached. A
 * replacement keeps the channel's cache another ARGV[4] ms.
 */
const SWAP_ENTRY = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return 1
`;

/**
 * Caches the webhook found or made under the creation lock (KEYS[1], owner ARGV[1]) only while this
 * worker still holds it: one that stalled past the lock's TTL must not overwrite what the worker
 * that took the lock over has cached since. The channel's cache then lives another ARGV[4] ms.
 */
const CACHE_IF_HELD = `${IF_HELD}redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`;

/**
 * Like CACHE_IF_HELD, but only into an empty slot: an entry another worker cached stays, whatever
 * webhook it holds.
 */
const CACHE_IF_HELD_AND_EMPTY = `${IF_HELD}if redis.call('HSETNX', KEYS[2], ARGV[2], ARGV[3]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`;

/** Each channel's cached webhooks in Redis, one JSON entry per slot, shared by every worker. */
export class WebhookCacheEntries {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async read(channelId: string, slot: string): Promise<CacheEntry | undefined> {
    const raw = await this.redis.hget(this.key(channelId), slot);
    return raw ? { raw, webhook: JSON.parse(raw) as CachedWebhook } : undefined;
  }

  /** Puts `webhook` in the slot (or empties it, given undefined) only while it still holds `raw`. */
  async swap(channelId: string, slot: string, raw: string, webhook: CachedWebhook | undefined): Promise<void> {
    await this.redis.eval(SWAP_ENTRY, 1, this.key(channelId), slot, raw, webhook ? JSON.stringify(webhook) : '', WEBHOOK_CACHE_TTL_MS);
  }

  /** Puts `webhook` in the slot only while this worker still holds `lock`; false when it lost it. */
  async cacheIfHeld(lock: HeldLock, channelId: string, slot: string, webhook: CachedWebhook): Promise<boolean> {
    return Boolean(await this.redis.eval(CACHE_IF_HELD, 2, lock.key, this.key(channelId), lock.owner, slot, JSON.stringify(webhook), WEBHOOK_CACHE_TTL_MS));
  }

  /** Puts `webhook` in the slot only while this worker still holds `lock` and the slot is empty; false otherwise. */
  async cacheIfHeldAndEmpty(lock: HeldLock, channelId: string, slot: string, webhook: CachedWebhook): Promise<boolean> {
    return Boolean(await this.redis.eval(CACHE_IF_HELD_AND_EMPTY, 2, lock.key, this.key(channelId), lock.owner, slot, JSON.stringify(webhook), WEBHOOK_CACHE_TTL_MS));
  }

  /** The ids of the webhooks cached for the channel, in any slot. */
  async webhookIds(channelId: string): Promise<Set<string>> {
    const entries = await this.redis.hvals(this.key(channelId));
    return new Set(entries.map((raw) => (JSON.parse(raw) as CachedWebhook).id));
  }

  async remove(channelId: string, slot: string): Promise<void> {
    await this.redis.hdel(this.key(channelId), slot);
  }

  private key(channelId: string): string {
    return webhookCacheKey(this.prefix, channelId);
  }
}
