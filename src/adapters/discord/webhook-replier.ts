import { Routes, type REST } from 'discord.js';
import type { Persona } from '../../domain/persona.js';
import { errorCodeOf } from '../../errors.js';
import type { PostAttempt } from '../../ports/delivery-ledger.js';
import { NO_LOGS, type Logger } from '../../ports/logger.js';
import type { PersonaReplier, PersonaReply, PostContext, PostedReply, ReplyTarget } from '../../ports/persona-replier.js';
import type { AvatarStore } from '../files/avatar-store.js';
import type { WebhookSpec } from './channel-webhooks.js';
import { refuseClosedThread } from './closed-thread.js';
import { asDeletedChannel } from './deleted-channel.js';
import { RETRY_AFTER_REFUSAL_MS } from './discord-refusal.js';
import { asDiscordRequestError } from './discord-request-error.js';
import type { EmojiAvatars } from './emoji-avatars.js';
import { executeWebhook, type WebhookPost } from './execute-webhook.js';
import { findPostedReply } from './find-posted-reply.js';
import { NO_PINGS } from './no-pings.js';
import { isOwnWebhookRefused, ownWebhookSpec, personaAvatarUrl, personaWebhookSpec, SHARED_WEBHOOK, type RefusedOwnWebhooks } from './persona-webhook.js';
import { postedId, type ApiMessage } from './posted-message.js';
import { refusedSends } from './refused-sends.js';
import { isStaleWebhook } from './stale-webhook.js';
import type { StoredWebhook, WebhookDirectory } from './webhook-directory.js';

export { NO_PINGS } from './no-pings.js';

export interface WebhookReplierOptions {
  /** Where operators host the avatar PNGs; when set one webhook per channel serves every persona. */
  readonly avatarBaseUrl?: string | undefined;
  /**
   * Without AVATAR_BASE_URL: the avatar files as the application's emojis on Discord's CDN, so one
   * webhook per channel still serves every persona. Without either, each persona has its own.
   */
  readonly emojiAvatars?: EmojiAvatars;
  /**
   * The client that posts (default: the one given): it must not repeat a post on a 5xx or a
   * timeout by itself, since Discord may have posted before failing; the job retries instead,
   * after looking for the earlier post (`findPosted`).
   */
  readonly postRest?: REST;
  /**
   * Where the personas' own webhooks Discord refused are remembered for every worker
   * (`new RefusedOwnWebhooks(redis, prefix)`). Without it, each post asks Discord again.
   */
  readonly refusedOwnWebhooks?: RefusedOwnWebhooks;
}

/**
 * Posts as a persona. In guilds: through a webhook that carries the persona's name and avatar
 * (one webhook per channel whose posts carry the avatar's public URL: the operator's hosting, or
 * the application's emoji of it; else one webhook per persona, created with its avatar and
 * deleted once the persona's posts carry it again, or the shared one without the avatar where
 * Discord will not make that). In DMs, where webhooks don't exist: a bot message whose embed
 * carries the persona's name and avatar.
 */
export class WebhookReplier implements PersonaReplier {
  constructor(
    private readonly rest: REST,
    private readonly webhooks: WebhookDirectory,
    private readonly avatars: AvatarStore,
    private readonly options: WebhookReplierOptions = {},
  ) {}

  async post(reply: PersonaReply, context: PostContext = {}): Promise<PostedReply> {
    try {
      return await (reply.target.guildId ? this.postInGuild(reply, context) : this.postDirect(reply, context.beforeSend));
    } catch (error) {
      throw asDiscordRequestError(error, `the reply in <#${reply.target.channelId}>`);
    }
  }

  findPosted(target: ReplyTarget, attempt: PostAttempt): Promise<PostedReply | undefined> {
    return findPostedReply(this.rest, target, attempt);
  }

  private get posting(): REST {
    return this.options.postRest ?? this.rest;
  }

  private async postInGuild(reply: PersonaReply, context: PostContext): Promise<PostedReply> {
    const log = context.log ?? NO_LOGS;
    const hostChannel = reply.target.threadParentId ?? reply.target.channelId;
    const threadId = reply.target.threadParentId ? reply.target.channelId : undefined;
    if (threadId) await refuseClosedThread(this.rest, threadId, log);
    const avatarUrl = await this.avatarUrl(reply.persona);
    const spec = personaWebhookSpec(reply.persona, avatarUrl, this.avatars);
    let posted: PostedReply;
    try {
      posted = await this.postThroughWebhook(hostChannel, spec, reply, { threadId, avatarUrl }, { ...context, log });
    } catch (error) {
      // An Unknown Channel that gets this far is about the place itself, not a stale webhook: the
      // channel's webhooks could not be listed or made, or a thread's post met it through a fresh one.
      throw asDeletedChannel(error, reply.target.channelId);
    }
    if (avatarUrl) await this.retireOwnWebhook(hostChannel, reply.persona, log);
    return posted;
  }

  /**
   * Posts through the cached webhook; one deleted, reset or moved since it was cached is forgotten,
   * and the post goes through a fresh one. Each send (executeWebhook's, the one without a refused
   * avatar URL too) is preceded by `beforeSend`, after the waits for the webhook: a worker paused
   * in them may have lost its job to one that posted meanwhile. The note of a send Discord refused
   * is taken back before those waits (refusedSends): nothing of it was posted.
   */
  private async postThroughWebhook(
    hostChannel: string,
    spec: WebhookSpec,
    reply: PersonaReply,
    post: WebhookPost,
    { log, signal, beforeSend }: PostContext & { readonly log: Logger },
  ): Promise<PostedReply> {
    const clients = { posting: this.posting, rest: this.rest };
    const sends = refusedSends(beforeSend);
    const checked = { ...post, beforeSend: sends.beforeSend };
    const { webhook, slot } = await this.webhookFor(hostChannel, spec, reply, log, signal);
    try {
      return await executeWebhook(clients, webhook, reply, checked, log);
    } catch (error) {
      if (!isStaleWebhook(error, post.threadId !== undefined)) throw error;
      // Nothing of the reply was posted here through the stale webhook: its note goes before the wait for a fresh one.
      await sends.takeBackRefused();
      await this.webhooks.forget(hostChannel, slot);
      const fresh = (await this.webhookFor(hostChannel, spec, reply, log, signal)).webhook;
      return await executeWebhook(clients, fresh, reply, checked, log);
    }
  }

  /**
   * The persona's posts carry its avatar again, so a webhook of its own left in the channel (made
   * while its emoji was refused, or by an earlier feelbot) only holds one of the channel's 15: it
   * goes once no worker can still be using it. Quietly: the reply is posted.
   */
  private async retireOwnWebhook(hostChannel: string, persona: Persona, log: Logger): Promise<void> {
    try {
      await this.webhooks.retire(hostChannel, ownWebhookSpec(persona, this.avatars), RETRY_AFTER_REFUSAL_MS);
    } catch (error) {
      const coded = asDiscordRequestError(error, `the deletion of persona ${persona.emotion}'s webhook in <#${hostChannel}>`);
      log.debug({ err: coded, code: errorCodeOf(coded), persona: persona.emotion, channelId: hostChannel }, "the persona's own webhook, unused, is left for a later post to delete");
    }
  }

  /**
   * The webhook `spec` asks for, or, when it is a persona's own that Discord will not make (a
   * channel's 15 or a server's 1,000 webhooks, no Manage Webhooks), the channel's shared one: the
   * reply shows the persona's name without its avatar, and no place is blocked for want of a face.
   * What keeps the shared one from posting fails the post as it always did.
   */
  private async webhookFor(hostChannel: string, spec: WebhookSpec, reply: PersonaReply, log: Logger, signal: AbortSignal | undefined): Promise<{ webhook: StoredWebhook; slot: string }> {
    const guildId = reply.target.guildId ?? '';
    if (spec.slot !== SHARED_WEBHOOK.slot && !(await this.options.refusedOwnWebhooks?.has(guildId, hostChannel, spec.slot, log))) {
      try {
        return { webhook: await this.webhooks.get(hostChannel, spec, signal, log), slot: spec.slot };
      } catch (error) {
        if (!isOwnWebhookRefused(error)) throw error;
        await this.options.refusedOwnWebhooks?.remember(error, guildId, hostChannel, spec.slot, log);
        const coded = asDiscordRequestError(error, `the webhook of persona ${reply.persona.emotion} in <#${hostChannel}>`);
        log.warn(
          { err: coded, code: errorCodeOf(coded), persona: reply.persona.emotion, channelId: hostChannel },
          "Discord would not make the persona's own webhook; for 10 minutes it posts there through the channel's shared webhook, under its name, without its avatar",
        );
      }
    }
    return { webhook: await this.webhooks.get(hostChannel, SHARED_WEBHOOK, signal), slot: SHARED_WEBHOOK.slot };
  }

  private async postDirect(reply: PersonaReply, beforeSend: PostContext['beforeSend']): Promise<PostedReply> {
    const { persona } = reply;
    const avatarUrl = await this.avatarUrl(persona);
    const image = avatarUrl ? undefined : await this.avatars.image(persona);
    // The nonce stops a second post only for a few minutes; a run paused longer must not send at all.
    await beforeSend?.();
    const message = (await this.posting.post(Routes.channelMessages(reply.target.channelId), {
      body: {
        embeds: [
          {
            author: { name: persona.name, icon_url: avatarUrl ?? `attachment://${image?.fileName}` },
            description: reply.content,
            color: persona.color,
          },
        ],
        // Pings nobody; the person who wrote to the bot is notified of its answer, as by any DM.
        allowed_mentions: NO_PINGS,
        // Two attempts at one reply (a retry after a lost answer, two workers on a stalled job) post it once.
        ...(reply.nonce ? { nonce: reply.nonce, enforce_nonce: true } : {}),
      },
      files: image ? [{ name: image.fileName, data: image.bytes, contentType: image.contentType }] : [],
    })) as ApiMessage | undefined;
    return { messageId: postedId(message) };
  }

  private avatarUrl(persona: Persona): Promise<string | undefined> {
    return personaAvatarUrl(persona, this.avatars, this.options.avatarBaseUrl, this.options.emojiAvatars);
  }
}
