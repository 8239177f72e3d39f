import type { APIApplicationCommand, APIMessage, ChannelType } from 'discord-api-types/v10';
import { unknownChannel, unknownGuild, unknownMember, unknownMessage, unknownUser, unknownWebhook } from './api-error.js';

export interface UserRecord {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
  avatar: string | null;
}

export interface RoleRecord {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  /** Set on a bot's own integration role. Defaults to false. */
  managed: boolean;
  /** The bot a managed role belongs to (its `tags.bot_id`): the role Discord makes when a bot joins. */
  botId: string | null;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  /** The @everyone role comes first and shares the guild's id. */
  roles: RoleRecord[];
}

export interface MemberRecord {
  guildId: string;
  userId: string;
  roleIds: string[];
  nick: string | null;
  joinedAt: string;
}

/** A permission overwrite; type 0 targets a role, 1 a member. */
export interface OverwriteRecord {
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface ChannelRecord {
  id: string;
  type: ChannelType;
  name: string | null;
  guildId: string | null;
  parentId: string | null;
  position: number;
  overwrites: OverwriteRecord[];
  topic: string | null;
  /** DM and group DM channels only. */
  recipientIds: string[];
  /** Threads and group DMs only: who started it. */
  ownerId: string | null;
  /** Threads only: archived (closed until a message or a moderator reopens it). */
  archived: boolean;
  /** Threads only: locked by a moderator (only Manage Threads may reopen it). */
  locked: boolean;
}

export interface ApplicationEmojiRecord {
  id: string;
  name: string;
  bytes: Buffer;
  /** The type the upload's data URI declared. */
  contentType: string;
}

export interface WebhookRecord {
  id: string;
  token: string;
  channelId: string;
  guildId: string;
  name: string;
  avatarHash: string | null;
  avatarBytes: Buffer | null;
  creatorId: string;
  /** null for a webhook a user made. */
  applicationId: string | null;
}

/** The fake's whole world: every entity the REST routes and gateway read and write. */
export class FakeStore {
  readonly users = new Map<string, UserRecord>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly webhooks = new Map<string, WebhookRecord>();
  readonly messages = new Map<string, APIMessage[]>();
  /** Keyed by "global" or a guild id. */
  readonly commands = new Map<string, APIApplicationCommand[]>();
  /** The application's own emojis (Discord's "application emojis"), by id. */
  readonly applicationEmojis = new Map<string, ApplicationEmojiRecord>();

  user(id: string): UserRecord {
    return this.users.get(id) ?? throwError(unknownUser());
  }

  guild(id: string): GuildRecord {
    return this.guilds.get(id) ?? throwError(unknownGuild());
  }

  member(guildId: string, userId: string): MemberRecord {
    return this.members.get(memberKey(guildId, userId)) ?? throwError(unknownMember());
  }

  findMember(guildId: string, userId: string): MemberRecord | undefined {
    return this.members.get(memberKey(guildId, userId));
  }

  guildMembers(guildId: string): MemberRecord[] {
    return [...this.members.values()].filter((member) => member.guildId === guildId);
  }

  channel(id: string): ChannelRecord {
    return this.channels.get(id) ?? throwError(unknownChannel());
  }

  guildChannels(guildId: string): ChannelRecord[] {
    return [...this.channels.values()].filter((channel) => channel.guildId === guildId);
  }

  webhook(id: string): WebhookRecord {
    return this.webhooks.get(id) ?? throwError(unknownWebhook());
  }

  channelWebhooks(channelId: string): WebhookRecord[] {
    return [...this.webhooks.values()].filter((webhook) => webhook.channelId === channelId);
  }

  /** Messages of a channel, oldest first. */
  channelMessages(channelId: string): APIMessage[] {
    let list = this.messages.get(channelId);
    if (!list) this.messages.set(channelId, (list = []));
    return list;
  }

  message(channelId: string, messageId: string): APIMessage {
    return this.channelMessages(channelId).find((message) => message.id === messageId) ?? throwError(unknownMessage());
  }

  findMessage(messageId: string): APIMessage | undefined {
    for (const list of this.messages.values()) {
      const found = list.find((message) => message.id === messageId);
      if (found) return found;
    }
    return undefined;
  }

  putMember(member: MemberRecord): void {
    this.members.set(memberKey(member.guildId, member.userId), member);
  }

  removeMember(guildId: string, userId: string): void {
    this.members.delete(memberKey(guildId, userId));
  }
}

function memberKey(guildId: string, userId: string): string {
  return `${guildId}:${userId}`;
}

function throwError(error: Error): never {
  throw error;
}
