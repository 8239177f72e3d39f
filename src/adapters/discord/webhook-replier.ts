import { MessageFlags, Routes, type REST } from 'discord.js';
import type { PostAttempt } from '../../ports/delivery-ledger.js';
import type { Persona } from '../../domain/persona.js';
import { NO_LOGS, type Logger } from '../../ports/logger.js';
import type { PersonaReplier, PersonaReply, PostContext, PostedReply, ReplyTarget } from '../../ports/persona-replier.js';
import type { AvatarStore } from '../files/avatar-store.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../../errors.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';
import { asDiscordRequestError } from './discord-request-error.js';
import { findPostedReply } from './find-posted-reply.js';
import type { WebhookSpec } from './channel-webhooks.js';
import type { EmojiAvatars } from './emoji-avatars.js';
import type { StoredWebhook, WebhookDirectory } from './webhook-directory.js';

/** No @everyone, @here, role or user pings, whatever the text says. */
export const NO_PINGS = { parse: [] as string[], users: [] as string[], roles: [] as string[] } as const;

/** Webhook names are how feelbot recognises its own webhooks in a channel. */
const WEBHOOK_NAME_PREFIX = 'feelbot';

interface ApiThread {
  thread_metadata?: { archived?: boolean; locked?: boolean };
}

interface ApiMessage {
  id?: string;
  channel_id?: string;
}

/** A Discord that answers an execute without the message (no `wait`) still posted it. */
function postedId(message: ApiMessage | undefined): string {
  return message?.id ?? 'posted';
}

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
}

/**
 * Posts as a persona. In guilds: through a webhook that carries the persona's name and avatar
 * (one webhook per channel whose posts carry the avatar's public URL: the operator's hosting, or
 * the application's emoji of it; else one webhook per persona, created with its avatar). In DMs,
 * where webhooks don't exist: a bot message whose embed carries the persona's name and avatar.
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
      return await (reply.target.guildId ? this.postInGuild(reply, context.log ?? NO_LOGS, context.signal) : this.postDirect(reply));
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

  private async postInGuild(reply: PersonaReply, log: Logger, signal: AbortSignal | undefined): Promise<PostedReply> {
    const hostChannel = reply.target.threadParentId ?? reply.target.channelId;
    const threadId = reply.target.threadParentId ? reply.target.channelId : undefined;
    if (threadId && (await this.isClosed(threadId, log))) {
      throw new FeelbotError(ErrorCodes.ThreadClosed, `Thread <#${threadId}> was archived or locked before the reply was posted.`, {
        permanent: true,
        details: { channelId: threadId },
      });
    }
    const avatarUrl = await this.avatarUrl(reply.persona);
    const spec = this.webhookSpec(reply.persona, avatarUrl);
    const webhook = await this.webhooks.get(hostChannel, spec, signal);
    try {
      return await this.execute(webhook, reply, { threadId, avatarUrl }, log);
    } catch (error) {
      // Deleted (Unknown Webhook), its token reset (Invalid Webhook Token), or moved by an admin to
      // another channel (the post lands there; a thread of this channel is unknown to it; a forum or
      // media channel wants a thread): forget it and post through a fresh one.
      const stale =
        hasDiscordCode(error, DiscordCodes.UnknownWebhook) ||
        hasDiscordCode(error, DiscordCodes.InvalidWebhookToken) ||
        isFeelbotError(error, ErrorCodes.WebhookMoved) ||
        (threadId !== undefined && hasDiscordCode(error, DiscordCodes.UnknownChannel)) ||
        (threadId === undefined && hasDiscordCode(error, DiscordCodes.ForumWebhookNeedsThread));
      if (!stale) throw error;
      await this.webhooks.forget(hostChannel, spec.slot);
      return this.execute(await this.webhooks.get(hostChannel, spec, signal), reply, { threadId, avatarUrl }, log);
    }
  }

  /**
   * True when the thread is archived or locked now. A webhook post with `thread_id` unarchives an
   * archived thread, so a reply written while a moderator closed the thread would reopen it. Asked
   * right before the post; when Discord cannot say, the post goes ahead and meets whatever it meets.
   */
  private async isClosed(threadId: string, log: Logger): Promise<boolean> {
    try {
      const thread = (await this.rest.get(Routes.channel(threadId))) as ApiThread;
      return thread.thread_metadata?.archived === true || thread.thread_metadata?.locked === true;
    } catch (error) {
      log.debug({ err: error, threadId }, 'could not read the thread before posting; posting anyway');
      return false;
    }
  }

  /** Where Discord can fetch the persona's avatar: its own URL, the operator's hosting, or the application's emoji of it. */
  private async avatarUrl(persona: Persona): Promise<string | undefined> {
    return this.avatars.publicUrl(persona, this.options.avatarBaseUrl) ?? (await this.options.emojiAvatars?.urlFor(persona));
  }

  private webhookSpec(persona: Persona, avatarUrl: string | undefined): WebhookSpec {
    if (avatarUrl) {
      return { slot: 'shared', name: WEBHOOK_NAME_PREFIX };
    }
    return {
      slot: persona.emotion,
      name: `${WEBHOOK_NAME_PREFIX} ${persona.emotion}`,
      avatar: () => this.avatars.dataUri(persona),
    };
  }

  private async execute(
    webhook: StoredWebhook,
    reply: PersonaReply,
    { threadId, avatarUrl }: { threadId: string | undefined; avatarUrl: string | undefined },
    log: Logger,
  ): Promise<PostedReply> {
    const query = new URLSearchParams({ wait: 'true' });
    if (threadId) query.set('thread_id', threadId);
    const message = (await this.posting
      .post(Routes.webhook(webhook.id, webhook.token), {
      query,
      body: {
        content: reply.content,
        username: reply.persona.name,
        ...(avatarUrl ? { avatar_url: avatarUrl } : {}),
        allowed_mentions: NO_PINGS,
        // No preview card for any link the reply still carries (one the person wrote themselves).
        flags: MessageFlags.SuppressEmbeds,
      },
      auth: false,
      })
      .catch((error: unknown) => {
        throw translatePostError(error, reply.target.channelId, threadId !== undefined);
      })) as ApiMessage | undefined;
    const landedIn = message?.channel_id;
    if (landedIn !== undefined && landedIn !== reply.target.channelId && message?.id) {
      // Take the misplaced reply back: that channel may be private, and the reply is not for it.
      await this.rest.delete(Routes.webhookMessage(webhook.id, webhook.token, message.id), { auth: false }).catch((error: unknown) => {
        // Someone must delete it by hand; the error's URL carries the token, which the logger strips.
        log.error(
          { err: error, webhookId: webhook.id, channelId: landedIn, messageId: message.id, meantFor: reply.target.channelId },
          'could not delete a reply posted in the wrong channel',
        );
      });
      throw new FeelbotError(ErrorCodes.WebhookMoved, `Webhook ${webhook.id} now posts in another channel.`, { details: { webhookId: webhook.id, channelId: landedIn } });
    }
    return { messageId: postedId(message) };
  }

  private async postDirect(reply: PersonaReply): Promise<PostedReply> {
    const { persona } = reply;
    const avatarUrl = await this.avatarUrl(persona);
    const image = avatarUrl ? undefined : await this.avatars.image(persona);
    const message = (await this.posting.post(Routes.channelMessages(reply.target.channelId), {
      body: {
        embeds: [
          {
            author: { name: persona.name, icon_url: avatarUrl ?? `attachment://${image?.fileName}` },
            description: reply.content,
            color: persona.color,
          },
        ],
        allowed_mentions: NO_PINGS,
        flags: MessageFlags.SuppressNotifications,
        // Two attempts at one reply (a retry after a lost answer, two workers on a stalled job) post it once.
        ...(reply.nonce ? { nonce: reply.nonce, enforce_nonce: true } : {}),
      },
      files: image ? [{ name: image.fileName, data: image.bytes, contentType: 'image/png' }] : [],
    })) as ApiMessage | undefined;
    return { messageId: postedId(message) };
  }
}

function translatePostError(error: unknown, channelId: string, inThread: boolean): unknown {
  if (!hasDiscordCode(error, DiscordCodes.MissingPermissions) && !hasDiscordCode(error, DiscordCodes.MissingAccess)) return error;
  const permission = inThread ? 'Send Messages in Threads' : 'Send Messages';
  return new FeelbotError(ErrorCodes.DiscordPermissionMissing, `feelbot needs the ${permission} permission in <#${channelId}>.`, {
    cause: error,
    userFacing: true,
    permanent: true,
    details: { channelId, permission },
  });
}
