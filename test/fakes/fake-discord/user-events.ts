import { PermissionFlagsBits, type APIMessage, type MessageType } from 'discord-api-types/v10';
import type { FakeContext } from './context.js';
import { deliverMessage } from './deliver-message.js';
import { channelPermissions, hasPermission } from './permissions.js';
import { interactionPayload, type InteractionInput } from './payloads/interaction.js';
import { userPayload } from './payloads/user.js';
import { webhookAuthor } from './payloads/webhook.js';

export interface SendMessageInput {
  channelId: string;
  authorId: string;
  content: string;
  /** Prefixes `<@bot>` to the content unless it already mentions the bot. Defaults to false. */
  mentionsBot?: boolean;
  referencedMessageId?: string;
  /** Whether a reply pings its target. Defaults to true. */
  replyPing?: boolean;
  /** Posts as this stored webhook (or a pseudo-webhook of this id) instead of as `authorId`. */
  webhookId?: string;
  /** Forces `author.bot`. Defaults to the stored user's flag. */
  bot?: boolean;
  type?: MessageType;
  /** Forwards this stored message (channel and id): the new message has no content, the original sits in its snapshot. */
  forwardOf?: { channelId: string; messageId: string };
}

export interface SentInteraction {
  id: string;
  token: string;
  payload: ReturnType<typeof interactionPayload>;
}

/** What a person (or another bot, or a webhook) does in Discord: post a message the bot will see. */
export function sendUserMessage(context: FakeContext, input: SendMessageInput): APIMessage {
  const mention = `<@${context.botUserId}>`;
  const content = input.mentionsBot && !input.content.includes(mention) ? `${mention} ${input.content}` : input.content;
  const author = input.bot === undefined ? authorOf(context, input) : { ...authorOf(context, input), bot: input.bot };
  return deliverMessage(context, {
    channelId: input.channelId,
    author,
    content,
    ...(input.referencedMessageId ? { referencedMessageId: input.referencedMessageId } : {}),
    ...(input.replyPing === undefined ? {} : { replyPing: input.replyPing }),
    ...(input.webhookId ? { webhookId: input.webhookId } : {}),
    ...(input.type === undefined ? {} : { type: input.type }),
    ...(input.forwardOf ? { forwarded: context.store.message(input.forwardOf.channelId, input.forwardOf.messageId) } : {}),
  });
}

/**
 * What a person does when they edit their message: its text changes, it is stamped as edited, and
 * Discord dispatches MESSAGE_UPDATE with the whole message (to a bot that can see the channel).
 */
export function editUserMessage(context: FakeContext, channelId: string, messageId: string, content: string): APIMessage {
  const list = context.store.channelMessages(channelId);
  const index = list.findIndex((message) => message.id === messageId);
  if (index === -1) throw new Error(`fake-discord: no message ${messageId} in channel ${channelId}`);
  const edited: APIMessage = { ...list[index]!, content, edited_timestamp: new Date().toISOString() };
  list[index] = edited;
  const channel = context.store.channel(channelId);
  if (hasPermission(channelPermissions(context.store, channel, context.botUserId), PermissionFlagsBits.ViewChannel)) {
    context.gateway.dispatch('MESSAGE_UPDATE', edited);
  }
  return edited;
}

/** What a person (or a moderator) does when they delete a message: it leaves the channel and Discord dispatches MESSAGE_DELETE. */
export function deleteUserMessage(context: FakeContext, channelId: string, messageId: string): void {
  const list = context.store.channelMessages(channelId);
  const index = list.findIndex((message) => message.id === messageId);
  if (index === -1) throw new Error(`fake-discord: no message ${messageId} in channel ${channelId}`);
  list.splice(index, 1);
  context.gateway.dispatch('MESSAGE_DELETE', { id: messageId, channel_id: channelId, guild_id: context.store.channel(channelId).guildId });
}

/** What a moderator does when they purge messages: they leave the channel and Discord dispatches one MESSAGE_DELETE_BULK. */
export function deleteUserMessages(context: FakeContext, channelId: string, messageIds: readonly string[]): void {
  const list = context.store.channelMessages(channelId);
  for (const messageId of messageIds) {
    const index = list.findIndex((message) => message.id === messageId);
    if (index === -1) throw new Error(`fake-discord: no message ${messageId} in channel ${channelId}`);
    list.splice(index, 1);
  }
  context.gateway.dispatch('MESSAGE_DELETE_BULK', { ids: [...messageIds], channel_id: channelId, guild_id: context.store.channel(channelId).guildId });
}

/** What a person does when they run a command: Discord dispatches INTERACTION_CREATE and waits for a callback. */
export function sendApplicationCommand(context: FakeContext, input: InteractionInput): SentInteraction {
  const payload = interactionPayload(context.store, context.applicationId, context.botUserId, input);
  context.interactions.set(payload.id, {
    id: payload.id,
    token: payload.token,
    channelId: input.channelId,
    acknowledged: false,
    originalMessageId: null,
    createdAt: Date.now(),
  });
  context.gateway.dispatch('INTERACTION_CREATE', payload);
  return { id: payload.id, token: payload.token, payload };
}

function authorOf(context: FakeContext, input: SendMessageInput) {
  if (!input.webhookId) return userPayload(context.store.user(input.authorId));
  const webhook = context.store.webhooks.get(input.webhookId);
  if (webhook) return webhookAuthor(webhook);
  return { id: input.webhookId, username: 'webhook', discriminator: '0000', global_name: null, avatar: null, bot: true };
}
