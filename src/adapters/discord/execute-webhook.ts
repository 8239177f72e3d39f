import { MessageFlags, Routes, type REST } from 'discord.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import type { PersonaReply, PostedReply } from '../../ports/persona-replier.js';
import { asMissingPostPermission } from './missing-post-permission.js';
import { NO_PINGS } from './no-pings.js';
import { postedId, type ApiMessage } from './posted-message.js';
import { asUnconfirmedPost } from './unconfirmed-post.js';
import type { StoredWebhook } from './webhook-directory.js';

export interface WebhookPost {
  /** The thread to post in, when the reply's channel is a thread of the webhook's channel. */
  readonly threadId: string | undefined;
  /** The persona's avatar for this post; absent when the webhook carries it itself. */
  readonly avatarUrl: string | undefined;
}

/**
 * Posts the reply through the webhook under the persona's name. A post that lands in another
 * channel (an admin moved the webhook) is deleted again and fails as WEBHOOK_MOVED; one that fails
 * without Discord saying it did not post is marked `mayHavePosted`. `posting` sends the post;
 * `rest` deletes a misplaced one.
 */
export async function executeWebhook(
  clients: { readonly posting: REST; readonly rest: REST },
  webhook: StoredWebhook,
  reply: PersonaReply,
  { threadId, avatarUrl }: WebhookPost,
  log: Logger,
): Promise<PostedReply> {
  const query = new URLSearchParams({ wait: 'true' });
  if (threadId) query.set('thread_id', threadId);
  const message = (await clients.posting
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
      throw asUnconfirmedPost(asMissingPostPermission(error, reply.target.channelId, threadId !== undefined), `the reply in <#${reply.target.channelId}>`);
    })) as ApiMessage | undefined;
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
