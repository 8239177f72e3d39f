import type { Message, TextBasedChannel } from 'discord.js';
import type { ChannelPlace } from '../domain/guild-settings.js';

export type ResolvedPlace = ChannelPlace & { readonly parentId: string | null; readonly categoryId: string | null };

/** Where a message sits for settings: its channel, the thread's parent or the channel's category, and the parent's category. */
export function channelPlace(message: Message): ResolvedPlace {
  return placeOf(message.channel, message.channelId);
}

/** The same for any channel; one the gateway has not cached (null) counts by its id alone. */
export function placeOf(channel: TextBasedChannel | null, channelId: string): ResolvedPlace {
  const parentId = channel && 'parentId' in channel ? (channel.parentId ?? null) : null;
  const categoryId = channel?.isThread() ? (channel.parent?.parentId ?? null) : null;
  return { channelId, parentId, categoryId };
}
