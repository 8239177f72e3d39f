import { Routes, type REST } from 'discord.js';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import { channelDeleted } from './deleted-channel.js';
import { DiscordCodes, hasDiscordCode } from './discord-error-codes.js';

interface ApiThread {
  thread_metadata?: { archived?: boolean; locked?: boolean };
}

/**
 * THREAD_CLOSED (permanent) when the thread is archived or locked now, CHANNEL_DELETED when it is
 * gone (Unknown Channel). A webhook post with `thread_id` unarchives an archived thread, so a reply
 * written while a moderator closed the thread would reopen it; a deleted one has nothing left to
 * answer. Asked right before the post; when Discord cannot say, the post goes ahead and meets
 * whatever it meets.
 */
export async function refuseClosedThread(rest: REST, threadId: string, log: Logger): Promise<void> {
  if (await isClosed(rest, threadId, log)) {
    throw new FeelbotError(ErrorCodes.ThreadClosed, `Thread <#${threadId}> was archived or locked before the reply was posted.`, {
      permanent: true,
      details: { channelId: threadId },
    });
  }
}

async function isClosed(rest: REST, threadId: string, log: Logger): Promise<boolean> {
  try {
    const thread = (await rest.get(Routes.channel(threadId))) as ApiThread;
    return thread.thread_metadata?.archived === true || thread.thread_metadata?.locked === true;
  } catch (error) {
    if (hasDiscordCode(error, DiscordCodes.UnknownChannel)) throw channelDeleted(threadId, error);
    log.debug({ err: error, threadId }, 'could not read the thread before posting; posting anyway');
    return false;
  }
}
