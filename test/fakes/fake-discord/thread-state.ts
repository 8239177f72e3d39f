import { PermissionFlagsBits } from 'discord-api-types/v10';
import { DiscordErrorCode, FakeApiError } from './api-error.js';
import type { FakeContext } from './context.js';
import { channelPayload } from './payloads/channel.js';
import { channelPermissions, hasPermission, isThread } from './permissions.js';
import type { ChannelRecord } from './store.js';

/**
 * Archives or reopens a thread, locked or not, and dispatches THREAD_UPDATE with the thread, as
 * Discord does when a moderator closes a thread (or it archives itself after its inactivity).
 */
export function setThreadState(context: FakeContext, threadId: string, state: { archived: boolean; locked: boolean }): ChannelRecord {
  const thread = context.store.channel(threadId);
  if (!isThread(thread)) throw new Error(`fake-discord: channel ${threadId} is not a thread`);
  thread.archived = state.archived;
  thread.locked = state.locked;
  if (hasPermission(channelPermissions(context.store, thread, context.botUserId), PermissionFlagsBits.ViewChannel)) {
    context.gateway.dispatch('THREAD_UPDATE', channelPayload(context.store, thread));
  }
  return thread;
}

/**
 * What a message sent into an archived thread does: it reopens the thread (Discord says so of a
 * webhook's post with `thread_id`), unless a moderator locked it, when the post is refused.
 */
export function reopenForMessage(context: FakeContext, channel: ChannelRecord): void {
  if (!isThread(channel) || !channel.archived) return;
  if (channel.locked) throw new FakeApiError(400, DiscordErrorCode.ThreadArchived, 'Thread is archived');
  setThreadState(context, channel.id, { archived: false, locked: false });
}
