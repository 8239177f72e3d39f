import { ChannelType } from 'discord-api-types/v10';
import { isThread } from '../permissions.js';
import type { ChannelRecord, FakeStore } from '../store.js';
import { userPayload } from './user.js';

/** A channel object shaped by its type: guild channels, threads (with metadata), DMs and group DMs differ. */
export function channelPayload(store: FakeStore, channel: ChannelRecord): Record<string, unknown> {
  if (channel.type === ChannelType.GroupDM) {
    // APIGroupDMChannel, as the API's example group DM: no guild, a name (null if unnamed), its creator and an icon (none set here).
    return {
      id: channel.id,
      type: channel.type,
      name: channel.name,
      icon: null,
      owner_id: channel.ownerId,
      last_message_id: lastMessageId(store, channel.id),
      recipients: channel.recipientIds.map((id) => userPayload(store.user(id))),
      flags: 0,
    };
  }
  if (channel.type === ChannelType.DM) {
    return {
      id: channel.id,
      type: channel.type,
      last_message_id: lastMessageId(store, channel.id),
      recipients: channel.recipientIds.map((id) => userPayload(store.user(id))),
      flags: 0,
    };
  }
  const common = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    parent_id: channel.parentId,
    flags: 0,
  };
  if (isThread(channel)) {
    return {
      ...common,
      owner_id: channel.ownerId,
      last_message_id: lastMessageId(store, channel.id),
      rate_limit_per_user: 0,
      message_count: store.channelMessages(channel.id).length,
      member_count: 1,
      total_message_sent: store.channelMessages(channel.id).length,
      thread_metadata: {
        archived: channel.archived,
        auto_archive_duration: 1440,
        archive_timestamp: new Date(0).toISOString(),
        locked: channel.locked,
        create_timestamp: new Date(0).toISOString(),
      },
    };
  }
  const textual = channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement;
  return {
    ...common,
    position: channel.position,
    permission_overwrites: channel.overwrites.map((o) => ({
      id: o.id,
      type: o.type,
      allow: o.allow.toString(),
      deny: o.deny.toString(),
    })),
    nsfw: false,
    ...(textual
      ? { topic: channel.topic, last_message_id: lastMessageId(store, channel.id), rate_limit_per_user: 0 }
      : {}),
    ...(channel.type === ChannelType.GuildForum
      ? { topic: channel.topic, available_tags: [], default_reaction_emoji: null, default_sort_order: null, default_forum_layout: 0, rate_limit_per_user: 0 }
      : {}),
  };
}

function lastMessageId(store: FakeStore, channelId: string): string | null {
  return store.channelMessages(channelId).at(-1)?.id ?? null;
}
