import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { FakeContext } from './context.js';
import { channelPayload } from './payloads/channel.js';
import { channelPermissions, hasPermission, isThread } from './permissions.js';
import type { ChannelRecord, FakeStore } from './store.js';

/**
 * What an admin does when they delete a guild channel, category or thread: it leaves the store
 * with its messages and webhooks, and Discord dispatches CHANNEL_DELETE with the channel object, or
 * THREAD_DELETE with only its id, guild_id, parent_id and type (to a bot that could see the thread).
 * A deleted channel's threads go with it, unannounced; a deleted category's channels stay,
 * uncategorized, each announced with CHANNEL_UPDATE.
 */
export function deleteChannel(context: FakeContext, channelId: string): void {
  const { store } = context;
  const channel = store.channel(channelId);
  if (!channel.guildId) throw new Error(`fake-discord: channel ${channelId} is a DM; only guild channels are deleted`);
  const visible = hasPermission(channelPermissions(store, channel, context.botUserId), PermissionFlagsBits.ViewChannel);
  const payload = channelPayload(store, channel);
  const children = store.guildChannels(channel.guildId).filter((child) => child.parentId === channel.id);
  remove(store, channel);
  if (isThread(channel)) {
    if (visible) context.gateway.dispatch('THREAD_DELETE', { id: channel.id, guild_id: channel.guildId, parent_id: channel.parentId, type: channel.type });
    return;
  }
  context.gateway.dispatch('CHANNEL_DELETE', payload);
  for (const child of children) {
    if (isThread(child)) {
      remove(store, child);
      continue;
    }
    child.parentId = null;
    context.gateway.dispatch('CHANNEL_UPDATE', channelPayload(store, child));
  }
}

function remove(store: FakeStore, channel: ChannelRecord): void {
  store.channels.delete(channel.id);
  store.messages.delete(channel.id);
  for (const webhook of store.channelWebhooks(channel.id)) store.webhooks.delete(webhook.id);
}
