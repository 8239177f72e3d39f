import { cleanContent, type Message } from 'discord.js';
import { tailCharacters } from '../domain/cut-text.js';
import { channelPlace } from './channel-place.js';
import { mayShowTyping } from './may-show-typing.js';
import { mayReadHistory } from '../adapters/discord/may-read-history.js';
import { botRoleIdsIn } from './classify-message.js';
import { contextSince, type ChannelHistory } from './channel-history.js';
import { displayName } from './display-name.js';
import { readChannelHistory, type ContextOptions } from './read-channel-history.js';
import { MAX_MESSAGE_CHARS, type MessageJob, type MessageText } from '../jobs/message-job.js';

export type { ContextOptions } from './read-channel-history.js';

/**
 * A message's job as the gateway built it, with the history its context came from: a burst that
 * takes the message in as its newest reads its context from there again (foldBurst). The history
 * is never queued.
 */
export interface BuiltMessageJob extends MessageJob {
  /** Absent on a job built elsewhere (a test's): a burst folding it keeps its context, without the burst's messages. */
  readonly history?: ChannelHistory;
}

/** The job for one message: where it is, who wrote it, what it says, and a little context. */
export async function buildMessageJob(message: Message, addressed: boolean, options: ContextOptions): Promise<BuiltMessageJob> {
  const { parentId, categoryId } = channelPlace(message);
  const history = await readChannelHistory(message, options);
  return {
    version: 1,
    guildId: message.guildId,
    channelId: message.channelId,
    parentId,
    categoryId,
    isThread: message.channel.isThread(),
    messageId: message.id,
    author: { id: message.author.id, displayName: displayName(message) },
    ...messageTextOf(message, options.botUserId),
    addressed,
    typing: mayShowTyping(message),
    readsHistory: mayReadHistory(message),
    context: contextSince(history, message.id),
    receivedAt: Date.now(),
    history,
  };
}

/**
 * The text without the bot's mention, twice: as people read it, user, role and channel mentions
 * as names (discord.js's cleanContent), for the reply; and as Discord sent it, for the classifier,
 * whose normaliser drops a mention's markup where it would read a name ("#scary-stories") as words.
 * Names can make a Nitro message longer than MAX_MESSAGE_CHARS: its start goes, not the newest words.
 */
export function messageTextOf(message: Message, botUserId: string): Required<MessageText> {
  const botMentions = [`<@!?${botUserId}>`, ...botRoleIdsIn(message, botUserId).map((roleId) => `<@&${roleId}>`)];
  const withoutBot = message.content.replace(new RegExp(botMentions.join('|'), 'g'), '').trim();
  return {
    content: tailCharacters(cleanContent(withoutBot, message.channel).trim(), MAX_MESSAGE_CHARS),
    rawContent: tailCharacters(withoutBot, MAX_MESSAGE_CHARS),
  };
}

/** The text as people read it, without the bot's mention (messageTextOf). */
export function contentOf(message: Message, botUserId: string): string {
  return messageTextOf(message, botUserId).content;
}
