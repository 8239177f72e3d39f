import { ErrorCodes, FeelbotError } from '../../errors.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';

/**
 * CHANNEL_DELETED (permanent): the thread or channel the reply was for is gone, and its messages
 * with it, so nothing is left to answer. Discord sends no MESSAGE_DELETE for them.
 */
export function channelDeleted(channelId: string, cause?: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.ChannelDeleted, `<#${channelId}> was deleted before the reply was posted.`, {
    ...(cause === undefined ? {} : { cause }),
    permanent: true,
    details: { channelId },
  });
}

/**
 * Unknown Channel (10003) as CHANNEL_DELETED for the reply's place; any other error as it is. Only
 * for an answer that can no longer mean a stale webhook: one about the channel itself (listing or
 * making its webhooks), or a thread's post through a webhook just found in its parent.
 */
export function asDeletedChannel(error: unknown, channelId: string): unknown {
  return hasDiscordCode(error, DiscordCodes.UnknownChannel) ? channelDeleted(channelId, error) : error;
}
