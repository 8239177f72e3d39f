import type { Redis } from 'ioredis';
import { EMOTIONS, type Emotion } from '../../domain/emotions.js';
import type { Persona } from '../../domain/persona.js';
import { ErrorCodes, isFeelbotError } from '../../errors.js';
import { NO_LOGS, type Logger } from '../../ports/logger.js';
import type { AvatarStore } from '../files/avatar-store.js';
import { RedisRefusals } from '../redis/redis-refusals.js';
import type { WebhookSpec } from './channel-webhooks.js';
import { isRefusal, RETRY_AFTER_REFUSAL_MS } from './discord-refusal.js';
import type { EmojiAvatars } from './emoji-avatars.js';

/** Webhook names are how feelbot recognises its own webhooks in a channel. */
const WEBHOOK_NAME_PREFIX = 'feelbot';

/** The channel's one webhook for every persona, each post carrying the persona's name (and avatar URL, when it has one). */
export const SHARED_WEBHOOK: WebhookSpec = { slot: 'shared', name: WEBHOOK_NAME_PREFIX };

/** Where Discord can fetch the persona's avatar: its own URL, the operator's hosting, or the application's emoji of it. */
export async function personaAvatarUrl(
  persona: Persona,
  avatars: AvatarStore,
  avatarBaseUrl: string | undefined,
  emojiAvatars: EmojiAvatars | undefined,
): Promise<string | undefined> {
  return avatars.publicUrl(persona, avatarBaseUrl) ?? (await emojiAvatars?.urlFor(persona));
}

/**
 * The webhook a persona posts through: the channel's shared one when each post can carry the
 * avatar's URL, else one of the persona's own, created with its avatar image.
 */
export function personaWebhookSpec(persona: Persona, avatarUrl: string | undefined, avatars: AvatarStore): WebhookSpec {
  return avatarUrl ? SHARED_WEBHOOK : ownWebhookSpec(persona, avatars);
}

/** The persona's own webhook in a channel, showing its avatar image. */
export function ownWebhookSpec(persona: Persona, avatars: AvatarStore): WebhookSpec {
  return {
    slot: persona.emotion,
    name: ownWebhookName(persona.emotion),
    avatar: () => avatars.dataUri(persona),
  };
}

function ownWebhookName(emotion: Emotion): string {
  return `${WEBHOOK_NAME_PREFIX} ${emotion}`;
}

/** The cache slot of a persona's own webhook named `name` (see ownWebhookSpec); undefined for any other name, the shared one's too. */
export function ownWebhookSlot(name: string): Emotion | undefined {
  return EMOTIONS.find((emotion) => ownWebhookName(emotion) === name);
}

/**
 * True when Discord will not make a persona's own webhook and asking again soon changes nothing:
 * the channel's 15 or the server's 1,000 webhooks, no Manage Webhooks, another 4xx (an image it
 * refuses). A 5xx, a rate limit or a busy lock is not: the post fails as retryable.
 */
export function isOwnWebhookRefused(error: unknown): boolean {
  if (isFeelbotError(error, ErrorCodes.WebhookLimitReached) || isFeelbotError(error, ErrorCodes.DiscordPermissionMissing)) return true;
  return isRefusal(error);
}

/**
 * The personas' own webhooks Discord refused lately, per channel (per server, at its 1,000), so
 * each post in the meantime goes to the shared webhook without a refused request: Discord bans
 * clients that make too many, counted for the bot, so the memory is in Redis, shared by every worker.
 * It is only a saving: when Redis cannot be read or written, the post asks Discord as if nothing was refused.
 */
export class RefusedOwnWebhooks {
  private readonly refusals: RedisRefusals;

  constructor(redis: Redis, prefix: string, now: () => number = Date.now) {
    this.refusals = new RedisRefusals(redis, prefix, 'refused-webhook', { forMs: RETRY_AFTER_REFUSAL_MS, now });
  }

  has(guildId: string, channelId: string, slot: string, log: Logger = NO_LOGS): Promise<boolean> {
    return this.refusals.any([this.name(`server:${guildId}`, slot), this.name(channelId, slot)], log);
  }

  async remember(error: unknown, guildId: string, channelId: string, slot: string, log: Logger = NO_LOGS): Promise<void> {
    const serverWide = isFeelbotError(error) && error.details.scope === 'server';
    await this.refusals.remember(this.name(serverWide ? `server:${guildId}` : channelId, slot), log);
  }

  private name(place: string, slot: string): string {
    return `${place}/${slot}`;
  }
}
