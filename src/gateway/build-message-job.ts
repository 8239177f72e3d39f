import { cleanContent, type Message } from 'discord.js';
import type { ConversationMessage } from '../domain/conversation.js';
import type { ReplyPersonas } from '../ports/reply-personas.js';
import { headChars, tailCharacters } from '../domain/cut-text.js';
import { channelPlace } from './channel-place.js';
import { mayShowTyping } from './may-show-typing.js';
import { mayReadHistory } from '../adapters/discord/may-read-history.js';
import { repliesInChannel } from './reply-reference.js';
import { botRoleIdsIn } from './classify-message.js';
import { contextTextOf } from './context-text.js';
import { BURST_LOOKBACK, contextSince, type ChannelHistory } from './channel-history.js';
import { MAX_MESSAGE_CHARS, type MessageJob, type MessageText } from '../jobs/message-job.js';

/** How far up a reply chain the gateway follows. */
const MAX_REPLY_CHAIN = 3;
/** Discord returns at most this many messages per history request. */
const MAX_FETCH_LIMIT = 100;

export interface ContextOptions {
  readonly botUserId: string;
  /** How many earlier channel messages to include. */
  readonly recentMessages: number;
  /** True when a message is feelbot's own: a persona's post, or its bot user's (ownMessageCheck). */
  readonly isPersonaMessage: (message: Message) => boolean;
  /** Which persona posted each of feelbot's replies, as the workers noted it. */
  readonly replyPersonas: Pick<ReplyPersonas, 'personasOf'>;
}

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
  const history = await channelHistory(message, options);
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

function displayName(message: Message): string {
  return headChars(message.member?.displayName ?? message.author.displayName ?? message.author.username, 100) || 'someone';
}

/** The messages before this one, as far back as a burst it ends may read (ChannelHistory), in one request, and its reply chain. */
async function channelHistory(message: Message, options: ContextOptions): Promise<ChannelHistory> {
  // CONTEXT_MESSAGES=0 reads no history, a burst's reply none either.
  const limit = options.recentMessages === 0 ? 0 : Math.min(options.recentMessages + BURST_LOOKBACK, MAX_FETCH_LIMIT);
  const fetched = (await recentMessages(message, limit)).sort(byTime);
  const chain = await replyChain(message);
  const byId = new Map<string, Message>();
  for (const earlier of [...fetched, ...chain]) byId.set(earlier.id, earlier);
  const shown = [...byId.values()]
    .filter((earlier) => !earlier.system)
    .sort(byTime)
    .map((earlier) => toConversationMessage(earlier, options, earlier.id === chain[0]?.id))
    .filter((earlier) => earlier.content.trim().length > 0);
  return {
    recent: options.recentMessages,
    fetchedIds: fetched.map((earlier) => earlier.id),
    chainIds: chain.map((link) => link.id),
    messages: await withPersonaKeys(shown, options.replyPersonas),
  };
}

function byTime(a: Message, b: Message): number {
  return a.createdTimestamp - b.createdTimestamp || (a.id < b.id ? -1 : 1);
}

/** The persona messages with the key of the persona that posted each, where a worker noted it. */
async function withPersonaKeys(context: ConversationMessage[], replyPersonas: ContextOptions['replyPersonas']): Promise<ConversationMessage[]> {
  const ids = context.flatMap((earlier) => (earlier.persona && earlier.messageId ? [earlier.messageId] : []));
  if (ids.length === 0) return context;
  const keys = await replyPersonas.personasOf(ids);
  return context.map((earlier) => {
    const personaKey = earlier.persona && earlier.messageId ? keys.get(earlier.messageId) : undefined;
    return personaKey ? { ...earlier, personaKey } : earlier;
  });
}

async function recentMessages(message: Message, limit: number): Promise<Message[]> {
  if (limit === 0) return [];
  try {
    const fetched = await message.channel.messages.fetch({ limit, before: message.id });
    return [...fetched.values()];
  } catch {
    return []; // Without Read Message History the reply still works, just with less context.
  }
}

async function replyChain(message: Message): Promise<Message[]> {
  const chain: Message[] = [];
  let current = message;
  while (repliesInChannel(current) && chain.length < MAX_REPLY_CHAIN) {
    try {
      current = await current.fetchReference();
      chain.push(current);
    } catch {
      break;
    }
  }
  return chain;
}

/** `repliedTo`: the message is the one this job's message replies to, which a prompt cut to fit keeps. */
function toConversationMessage(message: Message, options: ContextOptions, repliedTo: boolean): ConversationMessage {
  const fromPersona = options.isPersonaMessage(message);
  const persona = fromPersona ? (message.webhookId ? message.author.username : (message.embeds[0]?.author?.name ?? message.author.username)) : undefined;
  return {
    messageId: message.id,
    authorName: persona ?? displayName(message),
    authorId: persona ? undefined : message.author.id,
    content: contextTextOf(message),
    persona,
    ...(repliedTo ? { repliedTo } : {}),
  };
}
