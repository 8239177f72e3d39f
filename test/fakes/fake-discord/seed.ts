import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { ChannelRecord, FakeStore, GuildRecord, RoleRecord, UserRecord } from './store.js';
import { BOT_PERMISSIONS, addChannel, addGuild, addMember, addRole, addUser } from './world.js';

/** Handles to the default world, so tests can refer to "the admin" or "the thread" by name. */
export interface SeededWorld {
  guild: GuildRecord;
  users: { bot: UserRecord; owner: UserRecord; admin: UserRecord; member: UserRecord; otherBot: UserRecord };
  roles: { everyone: RoleRecord; admin: RoleRecord; bot: RoleRecord };
  channels: {
    text: ChannelRecord;
    category: ChannelRecord;
    categorized: ChannelRecord;
    forum: ChannelRecord;
    forumPost: ChannelRecord;
    thread: ChannelRecord;
    dm: ChannelRecord;
    /** The member's group DM with the admin and the owner, which the bot is not in (bots cannot join one). */
    groupDm: ChannelRecord;
  };
}

/** One guild with a text channel, a category with a channel, a forum with a post, a thread, a DM and a group DM. */
export function seedWorld(store: FakeStore, bot: UserRecord): SeededWorld {
  const owner = addUser(store, { username: 'owner' });
  const admin = addUser(store, { username: 'admin', globalName: 'Ada Admin' });
  const member = addUser(store, { username: 'member', globalName: 'Mo Member' });
  const otherBot = addUser(store, { username: 'otherbot', bot: true });
  const guild = addGuild(store, { name: 'Feelbot Test Guild', ownerId: owner.id });
  const adminRole = addRole(store, { guildId: guild.id, name: 'Admin', permissions: PermissionFlagsBits.ManageGuild });
  const botRole = addRole(store, { guildId: guild.id, name: bot.username, permissions: BOT_PERMISSIONS, managed: true, botId: bot.id });
  addMember(store, { guildId: guild.id, userId: bot.id, roleIds: [botRole.id] });
  addMember(store, { guildId: guild.id, userId: admin.id, roleIds: [adminRole.id] });
  addMember(store, { guildId: guild.id, userId: member.id });
  addMember(store, { guildId: guild.id, userId: otherBot.id });

  const text = addChannel(store, { guildId: guild.id, type: ChannelType.GuildText, name: 'general' });
  const category = addChannel(store, { guildId: guild.id, type: ChannelType.GuildCategory, name: 'Feelings' });
  const categorized = addChannel(store, { guildId: guild.id, type: ChannelType.GuildText, name: 'vent', parentId: category.id });
  const forum = addChannel(store, { guildId: guild.id, type: ChannelType.GuildForum, name: 'advice' });
  const forumPost = addChannel(store, {
    guildId: guild.id,
    type: ChannelType.PublicThread,
    name: 'how do I cope',
    parentId: forum.id,
    ownerId: member.id,
  });
  const thread = addChannel(store, {
    guildId: guild.id,
    type: ChannelType.PublicThread,
    name: 'side chat',
    parentId: text.id,
    ownerId: member.id,
  });
  const dm = addChannel(store, { type: ChannelType.DM, recipientIds: [member.id] });
  const groupDm = addChannel(store, {
    type: ChannelType.GroupDM,
    name: 'late night talks',
    recipientIds: [member.id, admin.id, owner.id],
    ownerId: member.id,
  });

  return {
    guild,
    users: { bot, owner, admin, member, otherBot },
    roles: { everyone: guild.roles[0]!, admin: adminRole, bot: botRole },
    channels: { text, category, categorized, forum, forumPost, thread, dm, groupDm },
  };
}
