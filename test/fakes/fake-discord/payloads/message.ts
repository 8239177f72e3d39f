import { MessageType, type APIAttachment, type APIEmbed, type APIMessage, type APIUser } from 'discord-api-types/v10';
import { nextSnowflake } from '../snowflake.js';
import type { FakeStore } from '../store.js';
import { memberPayload } from './guild.js';
import { restMessage } from './rest-message.js';
import { userPayload } from './user.js';

export interface MessagePayloadInput {
  channelId: string;
  /** A stored user; ignored when `author` is given (webhook messages use a pseudo-user). */
  authorId?: string;
  author?: APIUser;
  content: string;
  referencedMessageId?: string;
  /** Whether a reply pings the replied-to author, as Discord's client does by default. Defaults to true. */
  replyPing?: boolean;
  webhookId?: string;
  applicationId?: string;
  type?: MessageType;
  embeds?: APIEmbed[];
  attachments?: APIAttachment[];
  flags?: number;
  /** Makes this a forward of that message: no content of its own, the original in message_snapshots. */
  forwarded?: APIMessage;
  /** The sender's nonce, which Discord echoes on the message it creates. */
  nonce?: string | number;
}

const USER_MENTION = /<@!?(\d+)>/g;
const ROLE_MENTION = /<@&(\d+)>/g;

/** A MESSAGE_CREATE-shaped message whose mention fields are derived from its content, as Discord does. */
export function messagePayload(store: FakeStore, input: MessagePayloadInput): APIMessage & Record<string, unknown> {
  const channel = store.channel(input.channelId);
  const guildId = channel.guildId;
  const author = input.author ?? userPayload(store.user(input.authorId ?? ''));
  const referenced = input.referencedMessageId
    ? store.message(input.channelId, input.referencedMessageId)
    : undefined;

  const mentionedIds = new Set([...input.content.matchAll(USER_MENTION)].map((m) => m[1] ?? ''));
  if (referenced && (input.replyPing ?? true) && referenced.author.id !== author.id) {
    mentionedIds.add(referenced.author.id);
  }
  const mentions = [...mentionedIds]
    .filter((id) => store.users.has(id) || referenced?.author.id === id)
    .map((id) => mentionedUser(store, guildId, id, referenced?.author));

  const authorMember = guildId && !input.webhookId ? store.findMember(guildId, author.id) : undefined;
  const { user: _user, ...partialMember } = authorMember ? memberPayload(store, authorMember) : { user: undefined };

  return {
    id: nextSnowflake(),
    type: input.type ?? (referenced ? MessageType.Reply : MessageType.Default),
    channel_id: input.channelId,
    ...(guildId ? { guild_id: guildId } : {}),
    author,
    ...(authorMember ? { member: partialMember } : {}),
    content: input.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: /@(everyone|here)/.test(input.content),
    mentions,
    mention_roles: [...input.content.matchAll(ROLE_MENTION)].map((m) => m[1] ?? ''),
    attachments: input.attachments ?? [],
    embeds: input.embeds ?? [],
    pinned: false,
    flags: input.flags ?? 0,
    components: [],
    ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
    ...(input.webhookId ? { webhook_id: input.webhookId } : {}),
    ...(input.applicationId ? { application_id: input.applicationId } : {}),
    ...(input.forwarded ? forwardFields(input.forwarded) : {}),
    ...(referenced
      ? {
          message_reference: {
            type: 0,
            message_id: referenced.id,
            channel_id: referenced.channel_id,
            ...(guildId ? { guild_id: guildId } : {}),
          },
          // A message object nested in the event: no `member`, only the event's own author has one.
          referenced_message: restMessage(referenced),
        }
      : {}),
  };
}

function mentionedUser(store: FakeStore, guildId: string | null, id: string, fallback?: APIUser) {
  const user = store.users.has(id) ? userPayload(store.user(id)) : (fallback as APIUser);
  const member = guildId ? store.findMember(guildId, id) : undefined;
  if (!member) return user;
  const { user: _user, ...partialMember } = memberPayload(store, member);
  return { ...user, member: partialMember };
}

/** What Discord puts on a forward: a type-1 reference and a snapshot of the original's text and media. */
function forwardFields(original: APIMessage & { guild_id?: string }) {
  return {
    message_reference: { type: 1, message_id: original.id, channel_id: original.channel_id, ...(original.guild_id ? { guild_id: original.guild_id } : {}) },
    message_snapshots: [
      {
        message: {
          type: original.type,
          content: original.content,
          embeds: original.embeds,
          attachments: original.attachments,
          timestamp: original.timestamp,
          edited_timestamp: original.edited_timestamp,
          flags: original.flags ?? 0,
          mentions: original.mentions,
          mention_roles: original.mention_roles,
        },
      },
    ],
  };
}
