import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { ChannelRecord, FakeStore } from './store.js';

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/**
 * An app's permissions in a group DM it is not in (bots cannot join one): the `app_permissions` a
 * user install's interaction there carries, "180224" in a real payload (disgoorg/disgo#360). No
 * VIEW_CHANNEL: the bot gets none of the group's messages and may not post there.
 */
const GROUP_DM_OUTSIDER_PERMISSIONS = PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.MentionEveryone;

const THREAD_TYPES: ReadonlySet<ChannelType> = new Set([
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
]);

export function isThread(channel: ChannelRecord): boolean {
  return THREAD_TYPES.has(channel.type);
}

/** Guild-wide permissions of a member, following Discord's documented algorithm. */
export function basePermissions(store: FakeStore, guildId: string, userId: string): bigint {
  const guild = store.guild(guildId);
  if (guild.ownerId === userId) return ALL_PERMISSIONS;
  const member = store.findMember(guildId, userId);
  let permissions = guild.roles.find((role) => role.id === guildId)?.permissions ?? 0n;
  for (const role of guild.roles) {
    if (member?.roleIds.includes(role.id)) permissions |= role.permissions;
  }
  return permissions & PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : permissions;
}

/** Permissions in a channel after overwrites; threads use their parent's overwrites. */
export function channelPermissions(store: FakeStore, channel: ChannelRecord, userId: string): bigint {
  if (channel.type === ChannelType.GroupDM && !channel.recipientIds.includes(userId)) return GROUP_DM_OUTSIDER_PERMISSIONS;
  if (!channel.guildId) return ALL_PERMISSIONS;
  const base = basePermissions(store, channel.guildId, userId);
  if (base === ALL_PERMISSIONS) return base;
  const source = isThread(channel) && channel.parentId ? store.channel(channel.parentId) : channel;
  const member = store.findMember(channel.guildId, userId);
  let permissions = base;
  const apply = (allow: bigint, deny: bigint) => {
    permissions = (permissions & ~deny) | allow;
  };
  const everyone = source.overwrites.find((o) => o.id === channel.guildId);
  if (everyone) apply(everyone.allow, everyone.deny);
  let roleAllow = 0n;
  let roleDeny = 0n;
  for (const overwrite of source.overwrites) {
    if (overwrite.type === 0 && member?.roleIds.includes(overwrite.id)) {
      roleAllow |= overwrite.allow;
      roleDeny |= overwrite.deny;
    }
  }
  apply(roleAllow, roleDeny);
  const own = source.overwrites.find((o) => o.type === 1 && o.id === userId);
  if (own) apply(own.allow, own.deny);
  return permissions;
}

export function hasPermission(permissions: bigint, flag: bigint): boolean {
  return (permissions & flag) === flag;
}
