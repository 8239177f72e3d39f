import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { nextSnowflake } from './snowflake.js';
import type { ChannelRecord, FakeStore, GuildRecord, MemberRecord, OverwriteRecord, RoleRecord, UserRecord } from './store.js';

/** What @everyone may do in a fresh guild, close to Discord's defaults. */
export const EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.ChangeNickname;

/** The bot's integration role: what feelbot's invite link asks for. */
export const BOT_PERMISSIONS =
  EVERYONE_PERMISSIONS | PermissionFlagsBits.ManageWebhooks | PermissionFlagsBits.ManageMessages;

export interface AddUserInput {
  id?: string;
  username: string;
  globalName?: string | null;
  /** Defaults to false. */
  bot?: boolean;
}

export interface AddGuildInput {
  id?: string;
  name: string;
  ownerId: string;
  /** Permissions of @everyone. Defaults to EVERYONE_PERMISSIONS. */
  everyonePermissions?: bigint;
}

export interface AddRoleInput {
  guildId: string;
  name: string;
  permissions: bigint;
  managed?: boolean;
  botId?: string;
}

export interface AddMemberInput {
  guildId: string;
  userId: string;
  roleIds?: string[];
  nick?: string | null;
}

export interface AddChannelInput {
  id?: string;
  type: ChannelType;
  /** A group DM's may be left out: an unnamed group, which Discord sends as null. */
  name?: string;
  /** Omit for DM and group DM channels. */
  guildId?: string;
  /** The category of a guild channel, or the parent channel of a thread. */
  parentId?: string;
  overwrites?: OverwriteRecord[];
  topic?: string;
  /** DM and group DM channels only. */
  recipientIds?: string[];
  /** Threads and group DMs only. */
  ownerId?: string;
}

export function addUser(store: FakeStore, input: AddUserInput): UserRecord {
  const user: UserRecord = {
    id: input.id ?? nextSnowflake(),
    username: input.username,
    globalName: input.globalName ?? null,
    bot: input.bot ?? false,
    avatar: null,
  };
  store.users.set(user.id, user);
  return user;
}

/** Creates a guild with its @everyone role (whose id is the guild's id) and the owner as a member. */
export function addGuild(store: FakeStore, input: AddGuildInput): GuildRecord {
  const id = input.id ?? nextSnowflake();
  const everyone: RoleRecord = {
    id,
    name: '@everyone',
    permissions: input.everyonePermissions ?? EVERYONE_PERMISSIONS,
    position: 0,
    managed: false,
    botId: null,
  };
  const guild: GuildRecord = { id, name: input.name, ownerId: input.ownerId, roles: [everyone] };
  store.guilds.set(id, guild);
  addMember(store, { guildId: id, userId: input.ownerId });
  return guild;
}

export function addRole(store: FakeStore, input: AddRoleInput): RoleRecord {
  const guild = store.guild(input.guildId);
  const role: RoleRecord = {
    id: nextSnowflake(),
    name: input.name,
    permissions: input.permissions,
    position: guild.roles.length,
    managed: input.managed ?? false,
    botId: input.botId ?? null,
  };
  guild.roles.push(role);
  return role;
}

export function addMember(store: FakeStore, input: AddMemberInput): MemberRecord {
  store.guild(input.guildId);
  store.user(input.userId);
  const member: MemberRecord = {
    guildId: input.guildId,
    userId: input.userId,
    roleIds: input.roleIds ?? [],
    nick: input.nick ?? null,
    joinedAt: new Date().toISOString(),
  };
  store.putMember(member);
  return member;
}

export function addChannel(store: FakeStore, input: AddChannelInput): ChannelRecord {
  if (input.guildId) store.guild(input.guildId);
  if (input.parentId) store.channel(input.parentId);
  const channel: ChannelRecord = {
    id: input.id ?? nextSnowflake(),
    type: input.type,
    name: input.type === ChannelType.DM ? null : (input.name ?? (input.type === ChannelType.GroupDM ? null : 'channel')),
    guildId: input.guildId ?? null,
    parentId: input.parentId ?? null,
    position: input.guildId ? store.guildChannels(input.guildId).length : 0,
    overwrites: input.overwrites ?? [],
    topic: input.topic ?? null,
    recipientIds: input.recipientIds ?? [],
    ownerId: input.ownerId ?? null,
    archived: false,
    locked: false,
  };
  store.channels.set(channel.id, channel);
  return channel;
}
