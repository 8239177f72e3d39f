import type { Message } from 'discord.js';
import type { ConversationMessage } from '../domain/conversation.js';
import type { ReplyPersonas } from '../ports/reply-personas.js';
import { MAX_CONTEXT_MESSAGES } from '../jobs/message-job.js';
import { BURST_LOOKBACK, type ChannelHistory } from './channel-history.js';
import { cacheContextMembers } from './context-members.js';
import { contextTextOf } from './context-text.js';
import { displayName } from './display-name.js';
import { repliesInChannel } from './reply-reference.js';
import { threadStarterOf } from './thread-starter.js';

/** How far up a reply chain the gateway follows. */
const MAX_REPLY_CHAIN = 3;
/** Discord returns at most this many messages per history request. */
const MAX_FETCH_LIMIT = 100;
/**
 * One member to fetch per message a job's history can show at most (CONTEXT_MESSAGES', a burst's
 * lookback, the reply chain): its authors first, then those mentioned.
 */
const MAX_MEMBER_FETCHES = MAX_CONTEXT_MESSAGES + BURST_LOOKBACK + MAX_REPLY_CHAIN;

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
 * The messages before this one, as far back as a burst it ends may read (ChannelHistory), in one
 * request, and its reply chain. In a thread started from a message, that message stands in the
 * place of the thread's first (THREAD_STARTER_MESSAGE), which has no text of its own.
 */
export async function readChannelHistory(message: Message, options: ContextOptions): Promise<ChannelHistory> {
  // CONTEXT_MESSAGES=0 reads no history, a burst's reply none either.
  const limit = options.recentMessages === 0 ? 0 : Math.min(options.recentMessages + BURST_LOOKBACK, MAX_FETCH_LIMIT);
  const fetched = (await recentMessages(message, limit)).sort(byTime);
  const starter = await threadStarterOf(fetched[0]);
  const read = starter ? [starter, ...fetched.slice(1)] : fetched;
  const chain = await replyChain(message);
  const byId = new Map<string, Message>();
  for (const earlier of [...read, ...chain]) byId.set(earlier.id, earlier);
  const shown = [...byId.values()].filter((earlier) => !earlier.system && contextTextOf(earlier).trim().length > 0).sort(byTime);
  const people = shown.filter((earlier) => !options.isPersonaMessage(earlier)).reverse();
  const inChain = new Set(chain.map((link) => link.id));
  // The reply chain's authors first, then the newest messages': those a prompt cut to fit keeps longest.
  const byKeep = [...people.filter((earlier) => inChain.has(earlier.id)), ...people.filter((earlier) => !inChain.has(earlier.id))];
  // Then feelbot's own posts, for the people they name.
  await cacheContextMembers(message.guild, [...byKeep, ...shown.filter((earlier) => options.isPersonaMessage(earlier))], MAX_MEMBER_FETCHES);
  const messages = shown.map((earlier) => toConversationMessage(earlier, options, earlier.id === chain[0]?.id));
  return {
    recent: options.recentMessages,
    fetchedIds: read.map((earlier) => earlier.id),
    chainIds: chain.map((link) => link.id),
    messages: await withPersonaKeys(messages, options.replyPersonas),
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
