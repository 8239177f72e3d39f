import { ChannelType, MessageFlags, MessageType, PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import type { FakeContext } from './context.js';
import { channelPayload } from './payloads/channel.js';
import { restMessage } from './payloads/rest-message.js';
import { userPayload } from './payloads/user.js';
import { channelPermissions, hasPermission } from './permissions.js';
import { nextSnowflake } from './snowflake.js';
import type { ChannelRecord } from './store.js';
import { addChannel } from './world.js';

export interface StartThreadInput {
  /** The text or announcement channel the message is in. */
  channelId: string;
  messageId: string;
  /** Who starts the thread: its owner, and the author of its first message. */
  ownerId: string;
  /** Defaults to "thread". */
  name?: string;
}

/**
 * "Create Thread" on a message (POST /channels/{id}/messages/{id}/threads): the thread takes the
 * message's id, a public (or announcement) thread, and Discord fires THREAD_CREATE and a
 * MESSAGE_UPDATE of the message, now flagged HAS_THREAD. The thread's first message is a
 * THREAD_STARTER_MESSAGE (21): no content, embeds or attachments, only a `message_reference` to the
 * message in the parent channel and that message as `referenced_message`; its author is whoever
 * started the thread. Discord documents no MESSAGE_CREATE for it, so none is sent.
 */
export function startThreadFromMessage(context: FakeContext, input: StartThreadInput): ChannelRecord {
  const { store } = context;
  const parent = store.channel(input.channelId);
  const starter = store.message(parent.id, input.messageId);
  const thread = addChannel(store, {
    id: starter.id,
    type: parent.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread,
    name: input.name ?? 'thread',
    guildId: parent.guildId ?? undefined,
    parentId: parent.id,
    ownerId: input.ownerId,
  });
  const flagged: APIMessage = { ...starter, flags: (starter.flags ?? 0) | MessageFlags.HasThread };
  const messages = store.channelMessages(parent.id);
  messages[messages.indexOf(starter)] = flagged;
  store.channelMessages(thread.id).push(threadStarterMessage(context, thread, flagged, input.ownerId));
  if (hasPermission(channelPermissions(store, thread, context.botUserId), PermissionFlagsBits.ViewChannel)) {
    context.gateway.dispatch('THREAD_CREATE', { ...channelPayload(store, thread), newly_created: true });
    context.gateway.dispatch('MESSAGE_UPDATE', { ...flagged, channel_type: parent.type });
  }
  return thread;
}

function threadStarterMessage(context: FakeContext, thread: ChannelRecord, starter: APIMessage, ownerId: string): APIMessage {
  const guildId = thread.guildId ?? undefined;
  return {
    id: nextSnowflake(),
    type: MessageType.ThreadStarterMessage,
    channel_id: thread.id,
    ...(guildId ? { guild_id: guildId } : {}),
    author: userPayload(context.store.user(ownerId)),
    content: '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    // The flag enum has no zero member; 0 is the API's "no flags".
    flags: 0 as MessageFlags,
    components: [],
    message_reference: { type: 0, message_id: starter.id, channel_id: starter.channel_id, ...(guildId ? { guild_id: guildId } : {}) },
    referenced_message: restMessage(starter),
  };
}
