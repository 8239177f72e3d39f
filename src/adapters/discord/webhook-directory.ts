import { createHash } from 'node:crypto';
import type { REST } from 'discord.js';
import type { Redis } from 'ioredis';
import { NO_LOGS, type Logger } from '../../ports/logger.js';
import { recordPersonaWebhook } from '../redis/persona-webhook-ids.js';
import { feelbotKey } from '../redis/redis-connection.js';
import { IF_HELD, RedisLockTimeoutError, withRedisLock, type HeldLock } from '../redis/redis-lock.js';
import { WEBHOOK_CACHE_TTL_MS, webhookCacheKey } from '../redis/redis-webhook-cache.js';
import { ChannelWebhooks, type WebhookSpec } from './channel-webhooks.js';
import { asDiscordRequestError } from './discord-request-error.js';
import { isRefusal } from './emoji-avatars.js';
import { locateWebhook, type WebhookCredentials } from './webhook-location.js';
import { errorCodeOf, ErrorCodes, FeelbotError } from '../../errors.js';

export type StoredWebhook = WebhookCredentials;

/** A cache entry: the webhook and when Discord last confirmed it posts in this channel (epoch ms). */
interface CachedWebhook extends StoredWebhook {
  readonly checkedAt?: number;
  /**
   * The digest of the avatar feelbot made it with or last gave it (or Discord refused to give it);
   * absent on a webhook found in the channel, whose avatar is unknown.
   */
  readonly avatarDigest?: string;
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
  /** The clock of the cache's confirmations, which also tells when a webhook was last in use. Defaults to Date.now. */
  readonly now?: () => number;
}

const DEFAULT_OPTIONS = { revalidateAfterMs: 5 * 60_000, now: Date.now } as const satisfies Required<Omit<WebhookDirectoryOptions, 'createRest'>>;

/**
 * Two workers must not create the same webhook at once. The holder renews the lock while it lists
 * and creates, so a slow create (REST timeouts and retries, rate-limit waits) never lets a waiter in;
 * this long covers the worst case of both requests (4 attempts of 15 s, plus 10 s waits, each).
 */
const CREATE_LOCK_MAX_WAIT_MS = 3 * 60_000;

/** A webhook is retired after the post that showed it unused: a busy lock is not waited for, a later post retires it. */
const RETIRE_LOCK_MAX_WAIT_MS = 0;

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

  /**
   * `signal` (a worker's shutdown) stops a wait for another worker's creation lock: it rejects with
   * an AbortError. A webhook that must show `spec.avatar` is given it when it shows another image.
   */
  async get(channelId: string, spec: WebhookSpec, signal?: AbortSignal, log: Logger = NO_LOGS): Promise<StoredWebhook> {
    const cached = await this.cached(channelId, spec.slot);
    const webhook = cached && (await this.stillPostsHere(channelId, spec.slot, cached)) ? cached.webhook : await this.findOrCreateLocked(channelId, spec, cached?.raw, signal);
    return this.showingAvatar(channelId, spec, webhook, log);
  }

  private async findOrCreateLocked(channelId: string, spec: WebhookSpec, staleRaw: string | undefined, signal: AbortSignal | undefined): Promise<CachedWebhook> {
    try {
      return await withRedisLock(this.redis, this.lockKey(channelId), (lock) => this.findOrCreate(channelId, spec, staleRaw, lock), {
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
  private async findOrCreate(channelId: string, spec: WebhookSpec, staleRaw: string | undefined, lock: HeldLock): Promise<CachedWebhook> {
    const again = await this.cached(channelId, spec.slot);
    if (again && again.raw !== staleRaw) return again.webhook;
    const existing = await this.discord.findOurs(channelId, spec.name);
    const avatar = existing ? undefined : await spec.avatar?.();
    const found: CachedWebhook = existing ?? { ...(await this.discord.create(channelId, spec, avatar)), ...(avatar ? { avatarDigest: avatarDigest(avatar) } : {}) };
    await recordPersonaWebhook(this.redis, this.prefix, channelId, found.id);
    const entry = JSON.stringify({ ...found, checkedAt: this.options.now() } satisfies CachedWebhook);
    if (await this.redis.eval(CACHE_IF_HELD, 2, lock.key, this.key(channelId), lock.owner, spec.slot, entry, WEBHOOK_CACHE_TTL_MS)) return found;
    return this.afterLosingLock(channelId, spec.slot, staleRaw, found, !existing);
  }

  /**
   * This worker stalled past the lock's TTL while it listed or created, and another took the lock
   * over. What that one cached wins, and a webhook this one made meanwhile is deleted rather than
   * left behind toward the channel's 15. With nothing new cached yet, this one's webhook serves
   * this post, uncached: the next post asks under the lock again.
   */
  private async afterLosingLock(channelId: string, slot: string, staleRaw: string | undefined, found: CachedWebhook, madeHere: boolean): Promise<CachedWebhook> {
    const winner = await this.cached(channelId, slot);
    if (!winner || winner.raw === staleRaw) return found;
    if (madeHere && found.id !== winner.webhook.id) await this.discord.deleteQuietly(found);
    return winner.webhook;
  }

  /**
   * A webhook found in the channel (an earlier feelbot's), or made or last given another image,
   * is given the avatar `spec` asks for, once per image however many workers post through it.
   * Failing that, it posts with the image it has: one Discord refused is not asked for again.
   */
  private async showingAvatar(channelId: string, spec: WebhookSpec, webhook: CachedWebhook, log: Logger): Promise<StoredWebhook> {
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
    await this.recordAvatar(channelId, spec.slot, webhook.id, digest);
    return credentials;
  }

  private async recordAvatar(channelId: string, slot: string, webhookId: string, digest: string): Promise<void> {
    const current = await this.cached(channelId, slot);
    if (current?.webhook.id !== webhookId) return;
    const entry = JSON.stringify({ ...current.webhook, avatarDigest: digest } satisfies CachedWebhook);
    await this.redis.eval(SWAP_ENTRY, 1, this.key(channelId), slot, current.raw, entry, WEBHOOK_CACHE_TTL_MS);
  }

  /**
   * Deletes the channel's webhook of `spec` and its cache slot once no worker can still be posting
   * through it: unconfirmed for `inUseForMs` (how long a worker may go on using it) and the
   * revalidation interval (it is confirmed at least that often while in use). Only a webhook
   * Discord says is feelbot's, named as `spec` and in this channel is deleted; another's slot is
   * just dropped. With nothing cached it asks Discord nothing. A busy channel lock or a Discord
   * failure throws and leaves both for a later call.
   */
  async retire(channelId: string, spec: WebhookSpec, inUseForMs: number): Promise<void> {
    const cached = await this.cached(channelId, spec.slot);
    if (!cached || this.options.now() - (cached.webhook.checkedAt ?? 0) < inUseForMs + this.options.revalidateAfterMs) return;
    await withRedisLock(
      this.redis,
      this.lockKey(channelId),
      async () => {
        // Confirmed or replaced meanwhile: a worker posts through it.
        if ((await this.cached(channelId, spec.slot))?.raw !== cached.raw) return;
        await this.discord.deleteOurs(channelId, cached.webhook, spec.name);
        await this.redis.eval(SWAP_ENTRY, 1, this.key(channelId), spec.slot, cached.raw, '', WEBHOOK_CACHE_TTL_MS);
      },
      { maxWaitMs: RETIRE_LOCK_MAX_WAIT_MS },
    );
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
    if (this.options.now() - (cached.webhook.checkedAt ?? 0) < this.options.revalidateAfterMs) return true;
    const location = await locateWebhook(this.rest, cached.webhook);
    if (location === 'unknown') return true;
    const here = location !== 'gone' && location.channelId === channelId;
    const replacement = here ? JSON.stringify({ ...cached.webhook, checkedAt: this.options.now() } satisfies CachedWebhook) : '';
    await this.redis.eval(SWAP_ENTRY, 1, this.key(channelId), slot, cached.raw, replacement, WEBHOOK_CACHE_TTL_MS);
    // Still in use: remembered again, so a webhook serving a channel for months is never let expire.
    if (here) await recordPersonaWebhook(this.redis, this.prefix, channelId, cached.webhook.id);
    return here;
  }

  private key(channelId: string): string {
    return webhookCacheKey(this.prefix, channelId);
  }

  /** One lock per channel for every change to its webhooks on Discord. */
  private lockKey(channelId: string): string {
    return feelbotKey(this.prefix, 'webhook-lock', channelId);
  }
}

/** Tells two avatar images apart without keeping them. */
function avatarDigest(dataUri: string): string {
  return createHash('sha256').update(dataUri).digest('hex').slice(0, 16);
}
