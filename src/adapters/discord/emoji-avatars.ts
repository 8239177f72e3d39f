import { createHash } from 'node:crypto';
import type { REST } from 'discord.js';
import type { Redis } from 'ioredis';
import type { Persona } from '../../domain/persona.js';
import { errorCodeOf, ErrorCodes, isFeelbotError } from '../../errors.js';
import { NO_LOGS, type Logger } from '../../ports/logger.js';
import type { AvatarStore } from '../files/avatar-store.js';
import { RedisRefusals } from '../redis/redis-refusals.js';
import { isRefusal, RETRY_AFTER_REFUSAL_MS } from './discord-refusal.js';

/** How long a worker trusts its list of the application's emojis (one deleted in the portal is made again after this). */
const LIST_TTL_MS = 60 * 60_000;

interface ApiEmoji {
  id: string;
  name: string | null;
}

export interface EmojiAvatarsOptions {
  /** Where Discord serves images, e.g. https://cdn.discordapp.com. */
  readonly cdnUrl: string;
  /** The client that uploads: it must not repeat an upload on a 5xx (the next attempt lists first). */
  readonly createRest?: REST;
  readonly logger?: Logger;
  /** The clock of the emoji list's age and of the refusals' (see RedisRefusals). Defaults to Date.now. */
  readonly now?: () => number;
}

/**
 * The name an avatar's emoji goes by: the persona's emotion and its image's digest, so a changed
 * image gets an emoji of its own and two workers agree on the name without asking each other.
 */
export function emojiAvatarName(emotion: string, image: Buffer): string {
  return `feelbot_${emotion}_${createHash('sha256').update(image).digest('hex').slice(0, 10)}`;
}

/**
 * Public URLs for the personas' avatar files, with nothing to host: each image is uploaded once as
 * one of the application's own emojis (Discord's "application emojis", up to 2,000 an app, not
 * tied to any server), and Discord's CDN serves it from then on. A webhook's post takes it as
 * `avatar_url`, so one webhook per channel serves every persona instead of one each: a channel
 * holds at most 15 webhooks and a server 1,000. An upload Discord refuses (the app's emoji limit,
 * an image over 256 KiB) leaves that avatar to its own webhook for a while, as before; one Discord
 * could not take just now fails the post as retryable. The refusals are remembered in Redis under
 * the deployment's prefix, so no other worker repeats them: Discord bans a bot that makes too many.
 */
export class EmojiAvatars {
  private listing: { readonly at: number; readonly byName: Promise<Map<string, string>> } | undefined;
  private readonly refused: RedisRefusals;

  constructor(
    private readonly rest: REST,
    redis: Redis,
    prefix: string,
    private readonly avatars: AvatarStore,
    private readonly applicationId: () => Promise<string>,
    private readonly options: EmojiAvatarsOptions,
  ) {
    this.refused = new RedisRefusals(redis, prefix, 'refused-emoji', { forMs: RETRY_AFTER_REFUSAL_MS, now: () => this.now() });
  }

  /**
   * The avatar's URL on Discord's CDN, uploading it first if the application has no emoji of it
   * yet; undefined when it cannot be had now. An avatar file that cannot be read fails as it would
   * for its own webhook (PERSONA_FILE_INVALID).
   */
  async urlFor(persona: Persona): Promise<string | undefined> {
    const { bytes, contentType } = await this.avatars.image(persona);
    const name = emojiAvatarName(persona.emotion, bytes);
    if (await this.refused.any([name], this.log)) return undefined;
    try {
      const id = (await this.emojis()).get(name) ?? (await this.upload(name, bytes, contentType));
      return `${this.options.cdnUrl}/emojis/${id}.png`;
    } catch (error) {
      // Discord down or busy for a moment: the post fails as retryable and is tried again shortly.
      // A webhook of the persona's own made now would stay in the channel for good.
      if (isFeelbotError(error, ErrorCodes.PersonaFileInvalid) || !isRefusal(error)) throw error;
      await this.refused.remember(name, this.log);
      this.log.warn(
        { err: error, code: errorCodeOf(error), persona: persona.emotion },
        "the persona's avatar could not be made an emoji of the application; it gets a webhook of its own per channel for 10 minutes",
      );
      return undefined;
    }
  }

  /** The application's emojis by name, listed at most once an hour (and after an upload failed). */
  private emojis(): Promise<Map<string, string>> {
    if (!this.listing || this.now() - this.listing.at >= LIST_TTL_MS) {
      const byName = this.list();
      byName.catch(() => (this.listing = undefined));
      this.listing = { at: this.now(), byName };
    }
    return this.listing.byName;
  }

  private async list(): Promise<Map<string, string>> {
    const appId = await this.applicationId();
    const { items } = (await this.rest.get(`/applications/${appId}/emojis`)) as { items: ApiEmoji[] };
    return new Map(items.flatMap((emoji) => (emoji.name ? [[emoji.name, emoji.id] as const] : [])));
  }

  private async upload(name: string, bytes: Buffer, contentType: string): Promise<string> {
    const appId = await this.applicationId();
    try {
      const emoji = (await (this.options.createRest ?? this.rest).post(`/applications/${appId}/emojis`, {
        body: { name, image: `data:${contentType};base64,${bytes.toString('base64')}` },
      })) as ApiEmoji;
      (await this.emojis()).set(name, emoji.id);
      return emoji.id;
    } catch (error) {
      // Another worker uploaded it first (the name is taken), or Discord made it before failing:
      // a fresh list has it then.
      this.listing = undefined;
      const id = (await this.emojis()).get(name);
      if (id) return id;
      throw error;
    }
  }

  private get log(): Logger {
    return this.options.logger ?? NO_LOGS;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
