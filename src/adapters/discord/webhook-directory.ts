import { Routes, type REST } from 'discord.js';
import type { Redis } from 'ioredis';
import { feelbotKey } from '../redis/redis-connection.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';

export interface StoredWebhook {
  readonly id: string;
  readonly token: string;
}

interface ApiWebhook {
  id: string;
  token?: string;
  name: string | null;
  application_id: string | null;
}

export interface WebhookSpec {
  /** The cache slot: a persona's emotion, or "shared" when one webhook serves every persona. */
  readonly slot: string;
  /** The webhook's own name, how feelbot recognises its webhooks in a channel. */
  readonly name: string;
  /** A data URI of the avatar image, so the persona's face shows without any public URL. */
  readonly avatar?: () => Promise<string | undefined>;
}

/** Two workers must not create the same webhook at once; a creation takes well under this. */
const CREATE_LOCK_MS = 10_000;
const LOCK_POLL_MS = 100;

/**
 * Finds or creates feelbot's webhooks, one per channel and slot, cached in Redis so every worker
 * reuses them. A webhook deleted under the bot is forgotten and made again.
 */
export class WebhookDirectory {
  constructor(
    private readonly rest: REST,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly applicationId: () => Promise<string>,
  ) {}

  async get(channelId: string, spec: WebhookSpec): Promise<StoredWebhook> {
    const cached = await this.cached(channelId, spec.slot);
    if (cached) return cached;
    return this.withCreateLock(channelId, async () => {
      const again = await this.cached(channelId, spec.slot);
      if (again) return again;
      const found = (await this.findExisting(channelId, spec.name)) ?? (await this.create(channelId, spec));
      await this.redis.hset(this.key(channelId), spec.slot, JSON.stringify(found));
      return found;
    });
  }

  async forget(channelId: string, slot: string): Promise<void> {
    await this.redis.hdel(this.key(channelId), slot);
  }

  private async cached(channelId: string, slot: string): Promise<StoredWebhook | undefined> {
    const raw = await this.redis.hget(this.key(channelId), slot);
    return raw ? (JSON.parse(raw) as StoredWebhook) : undefined;
  }

  /** Reuses a webhook feelbot made before (after a Redis flush); any failure here just means "make one". */
  private async findExisting(channelId: string, name: string): Promise<StoredWebhook | undefined> {
    try {
      const appId = await this.applicationId();
      const hooks = (await this.rest.get(Routes.channelWebhooks(channelId))) as ApiWebhook[];
      const ours = hooks.find((hook) => hook.name === name && hook.application_id === appId && hook.token);
      return ours?.token ? { id: ours.id, token: ours.token } : undefined;
    } catch (error) {
      if (hasDiscordCode(error, DiscordCodes.MissingPermissions)) throw translateCreateError(error, channelId);
      return undefined;
    }
  }

  private async create(channelId: string, spec: WebhookSpec): Promise<StoredWebhook> {
    const avatar = await spec.avatar?.();
    try {
      const hook = (await this.rest.post(Routes.channelWebhooks(channelId), {
        body: { name: spec.name, ...(avatar ? { avatar } : {}) },
        reason: 'feelbot posts each persona under its own name and avatar',
      })) as ApiWebhook;
      if (!hook.token) throw new Error(`Discord created webhook ${hook.id} without a token.`);
      return { id: hook.id, token: hook.token };
    } catch (error) {
      throw translateCreateError(error, channelId);
    }
  }

  private async withCreateLock<T>(channelId: string, work: () => Promise<T>): Promise<T> {
    const lock = feelbotKey(this.prefix, 'webhook-lock', channelId);
    const owner = `${process.pid}-${Math.random()}`;
    const deadline = Date.now() + CREATE_LOCK_MS;
    while ((await this.redis.set(lock, owner, 'PX', CREATE_LOCK_MS, 'NX')) !== 'OK') {
      if (Date.now() > deadline) break; // The holder died; its lock has expired or is about to.
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    try {
      return await work();
    } finally {
      if ((await this.redis.get(lock)) === owner) await this.redis.del(lock);
    }
  }

  private key(channelId: string): string {
    return feelbotKey(this.prefix, 'webhooks', channelId);
  }
}

function translateCreateError(error: unknown, channelId: string): unknown {
  if (hasDiscordCode(error, DiscordCodes.MaximumWebhooks)) {
    return new FeelbotError(ErrorCodes.WebhookLimitReached, `<#${channelId}> already has 15 webhooks, Discord's limit; delete an unused one (Channel settings > Integrations > Webhooks).`, {
      cause: error,
      userFacing: true,
      permanent: true,
      details: { channelId },
    });
  }
  if (hasDiscordCode(error, DiscordCodes.MissingPermissions) || hasDiscordCode(error, DiscordCodes.MissingAccess)) {
    return new FeelbotError(
      ErrorCodes.DiscordPermissionMissing,
      `feelbot needs the Manage Webhooks permission in <#${channelId}>.`,
      { cause: error, userFacing: true, permanent: true, details: { channelId, permission: 'ManageWebhooks' } },
    );
  }
  return error;
}
