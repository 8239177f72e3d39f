import type { REST } from 'discord.js';
import type { Redis } from 'ioredis';
import { recordPersonaWebhook } from '../redis/persona-webhook-ids.js';
import { feelbotKey } from '../redis/redis-connection.js';
import { IF_HELD, RedisLockTimeoutError, withRedisLock, type HeldLock } from '../redis/redis-lock.js';
import { WEBHOOK_CACHE_TTL_MS, webhookCacheKey } from '../redis/redis-webhook-cache.js';
import { ChannelWebhooks, type WebhookSpec } from './channel-webhooks.js';
import { locateWebhook, type WebhookCredentials } from './webhook-location.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';

export type StoredWebhook = WebhookCredentials;

/** A cache entry: the webhook and when Discord last confirmed it posts in this channel (epoch ms). */
interface CachedWebhook extends StoredWebhook {
  readonly checkedAt?: number;
}

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
}

const DEFAULT_OPTIONS = { revalidateAfterMs: 5 * 60_000 } as const satisfies Required<Omit<WebhookDirectoryOptions, 'createRest'>>;

/**
 * Two workers must not create the same webhook at once. The holder renews the lock while it lists
 * and creates, so a slow create (REST timeouts and retries, rate-limit waits) never lets a waiter in;
 * this long covers the worst case of both requests (4 attempts of 15 s, plus 10 s waits, each).
 */
const CREATE_LOCK_MAX_WAIT_MS = 3 * 60_000;

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
 * Finds or creates feelbot's webhooks, one per channel and slot, cached in Redis so every worker
 * reuses them. A webhook deleted under the bot is forgotten and made again; so is one an admin
 * moved to another channel, found out when it is revalidated before use.
 */
export class WebhookDirectory {
  private readonly options: Required<Omit<WebhookDirectoryOptions, 'createRest'>>;
  private readonly discord: ChannelWebhooks;

  constructor(
    private readonly rest: REST,
    private readonly redis: Redis,
    private readonly prefix: string,
    applicationId: () => Promise<string>,
    options: WebhookDirectoryOptions = {},
  ) {
    const { createRest, ...settings } = options;
    this.options = { ...DEFAULT_OPTIONS, ...settings };
    this.discord = new ChannelWebhooks(this.rest, createRest ?? this.rest, applicationId);
  }

  /** `signal` (a worker's shutdown) stops a wait for another worker's creation lock: it rejects with an AbortError. */
  async get(channelId: string, spec: WebhookSpec, signal?: AbortSignal): Promise<StoredWebhook> {
    const cached = await this.cached(channelId, spec.slot);
    if (cached && (await this.stillPostsHere(channelId, spec.slot, cached))) return cached.webhook;
    const lockKey = feelbotKey(this.prefix, 'webhook-lock', channelId);
    try {
      return await withRedisLock(this.redis, lockKey, (lock) => this.findOrCreate(channelId, spec, cached?.raw, lock), {
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

  /** Under the creation lock: another worker may have cached the webhook while this one waited. */
  private async findOrCreate(channelId: string, spec: WebhookSpec, staleRaw: string | undefined, lock: HeldLock): Promise<StoredWebhook> {
    const again = await this.cached(channelId, spec.slot);
    if (again && again.raw !== staleRaw) return again.webhook;
    const existing = await this.discord.findOurs(channelId, spec.name);
    const found = existing ?? (await this.discord.create(channelId, spec));
    await recordPersonaWebhook(this.redis, this.prefix, channelId, found.id);
    const entry = JSON.stringify({ ...found, checkedAt: Date.now() } satisfies CachedWebhook);
    if (await this.redis.eval(CACHE_IF_HELD, 2, lock.key, this.key(channelId), lock.owner, spec.slot, entry, WEBHOOK_CACHE_TTL_MS)) return found;
    return this.afterLosingLock(channelId, spec.slot, staleRaw, found, !existing);
  }

  /**
   * This worker stalled past the lock's TTL while it listed or created, and another took the lock
   * over. What that one cached wins, and a webhook this one made meanwhile is deleted rather than
   * left behind toward the channel's 15. With nothing new cached yet, this one's webhook serves
   * this post, uncached: the next post asks under the lock again.
   */
  private async afterLosingLock(channelId: string, slot: string, staleRaw: string | undefined, found: StoredWebhook, madeHere: boolean): Promise<StoredWebhook> {
    const winner = await this.cached(channelId, slot);
    if (!winner || winner.raw === staleRaw) return found;
    if (madeHere && found.id !== winner.webhook.id) await this.discord.deleteQuietly(found);
    return winner.webhook;
  }

  /**
   * Drops a deleted or moved webhook from the cache. It stays among the webhooks feelbot posted
   * through in the channel (cached before those were remembered, it is remembered now): replies
   * to the personas' messages it posted still talk to the bot.
   */
  async forget(channelId: string, slot: string): Promise<void> {
    const cached = await this.cached(channelId, slot);
    if (cached) await recordPersonaWebhook(this.redis, this.prefix, channelId, cached.webhook.id);
    await this.redis.hdel(this.key(channelId), slot);
  }

  private async cached(channelId: string, slot: string): Promise<{ raw: string; webhook: CachedWebhook } | undefined> {
    const raw = await this.redis.hget(this.key(channelId), slot);
    return raw ? { raw, webhook: JSON.parse(raw) as CachedWebhook } : undefined;
  }

  /**
   * True when the cached webhook was confirmed recently, or Discord says it still posts in this
   * channel (or cannot say: the post itself still catches a stale webhook). A moved or deleted
   * one is dropped from the cache.
   */
  private async stillPostsHere(channelId: string, slot: string, cached: { raw: string; webhook: CachedWebhook }): Promise<boolean> {
    if (Date.now() - (cached.webhook.checkedAt ?? 0) < this.options.revalidateAfterMs) return true;
    const location = await locateWebhook(this.rest, cached.webhook);
    if (location === 'unknown') return true;
    const here = location !== 'gone' && location.channelId === channelId;
    const replacement = here ? JSON.stringify({ id: cached.webhook.id, token: cached.webhook.token, checkedAt: Date.now() } satisfies CachedWebhook) : '';
    await this.redis.eval(SWAP_ENTRY, 1, this.key(channelId), slot, cached.raw, replacement, WEBHOOK_CACHE_TTL_MS);
    // Still in use: remembered again, so a webhook serving a channel for months is never let expire.
    if (here) await recordPersonaWebhook(this.redis, this.prefix, channelId, cached.webhook.id);
    return here;
  }

  private key(channelId: string): string {
    return webhookCacheKey(this.prefix, channelId);
  }
}
