import type { Message } from 'discord.js';
import type { ChannelPlace } from '../domain/guild-settings.js';

/** Where a message sits for settings: its channel, the thread's parent or the channel's category, and the parent's category. */
export function channelPlace(message: Message): ChannelPlace & { readonly parentId: string | null; readonly categoryId: string | null } {
  const channel = message.channel;
  const parentId = 'parentId' in channel ? (channel.parentId ?? null) : null;
  const categoryId = channel.isThread() ? (channel.parent?.parentId ?? null) : null;
  return { channelId: message.channelId, parentId, categoryId };
}
