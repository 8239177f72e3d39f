import { DiscordAPIError, MessageFlags, Routes, type REST } from 'discord.js';
import { ErrorCodes, errorCodeOf, FeelbotError } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import type { PersonaReply, PostContext, PostedReply } from '../../ports/persona-replier.js';
import { asDiscordRequestError } from './discord-request-error.js';
import { asMissingPostPermission } from './missing-post-permission.js';
import { NO_PINGS } from './no-pings.js';
import { postedId, type ApiMessage } from './posted-message.js';
import { asUnconfirmedPost } from './unconfirmed-post.js';
import type { StoredWebhook } from './webhook-directory.js';

/** Discord's JSON code for a request body it will not take (Invalid Form Body). */
const INVALID_FORM_BODY = 50_035;

export interface WebhookPost {
  /** The thread to post in, when the reply's channel is a thread of the webhook's channel. */
  readonly threadId: string | undefined;
  /** The persona's avatar for this post; absent when the webhook carries it itself. */
  readonly avatarUrl: string | undefined;
  /** Asked right before each send, the one without a refused avatar URL too; its rejection sends nothing. */
  readonly beforeSend?: PostContext['beforeSend'];
}

/**
 * Posts the reply through the webhook under the persona's name, and without the avatar URL when
 * Discord refuses that (50035 under `avatar_url`). A post that lands in another
 * channel (an admin moved the webhook) is deleted again and fails as WEBHOOK_MOVED; one that fails
 * without Discord saying it did not post is marked `mayHavePosted`. Each send is preceded by
 * `beforeSend`, whose rejection propagates as is. `posting` sends the post; `rest` deletes a
 * misplaced one.
 */
export async function executeWebhook(
  clients: { readonly posting: REST; readonly rest: REST },
  webhook: StoredWebhook,
  reply: PersonaReply,
  { threadId, avatarUrl, beforeSend }: WebhookPost,
  log: Logger,
): Promise<PostedReply> {
  const query = new URLSearchParams({ wait: 'true' });
  if (threadId) query.set('thread_id', threadId);
  const send = async (avatar: string | undefined) => {
    // Right before each send: a run paused since its last check may have lost its job meanwhile.
    await beforeSend?.();
    return (await clients.posting
      .post(Routes.webhook(webhook.id, webhook.token), {
        query,
        body: {
          content: reply.content,
          username: reply.persona.name,
          ...(avatar ? { avatar_url: avatar } : {}),
          allowed_mentions: NO_PINGS,
          // No preview card for any link the reply still carries (one the person wrote themselves).
          flags: MessageFlags.SuppressEmbeds,
        },
        auth: false,
      })
      .catch((error: unknown) => {
        throw asUnconfirmedPost(asMissingPostPermission(error, reply.target.channelId, threadId !== undefined), `the reply in <#${reply.target.channelId}>`);
      })) as ApiMessage | undefined;
  };
  // A refused avatar URL (a server's look stored by an older feelbot, an AVATAR_BASE_URL Discord
  // will not fetch) posted nothing: the reply goes out without the face rather than not at all.
  const message = await send(avatarUrl).catch(async (error: unknown) => {
    if (!avatarUrl || !isAvatarUrlRefused(error)) throw error;
    const coded = asDiscordRequestError(error, `the avatar of persona ${reply.persona.emotion}`);
    log.warn(
      { err: coded, code: errorCodeOf(coded), persona: reply.persona.emotion, avatarUrl, channelId: reply.target.channelId },
      "Discord refused the persona's avatar URL; the reply is posted without it",
    );
    return send(undefined);
  });
  const landedIn = message?.channel_id;
  if (landedIn !== undefined && landedIn !== reply.target.channelId && message?.id) {
    // Take the misplaced reply back: that channel may be private, and the reply is not for it.
    await clients.rest.delete(Routes.webhookMessage(webhook.id, webhook.token, message.id), { auth: false }).catch((error: unknown) => {
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

/** Discord's refusal of an `avatar_url` ("Not a well formed URL"): 50035 Invalid Form Body with the field named in its errors. */
function isAvatarUrlRefused(error: unknown): boolean {
  if (!(error instanceof DiscordAPIError) || error.code !== INVALID_FORM_BODY) return false;
  const fields = 'errors' in error.rawError ? error.rawError.errors : undefined;
  return typeof fields === 'object' && fields !== null && Object.hasOwn(fields, 'avatar_url');
}
