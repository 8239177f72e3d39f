import { cleanContent, type Message } from 'discord.js';
import type { ConversationMessage } from '../domain/conversation.js';
import type { ReplyPersonas } from '../ports/reply-personas.js';
import { headChars, headCharacters } from '../domain/cut-text.js';
import { channelPlace } from './channel-place.js';
import { mayShowTyping } from './may-show-typing.js';
import { mayReadHistory } from '../adapters/discord/may-read-history.js';
import { repliesInChannel } from './reply-reference.js';
import { botRoleIdsIn } from './classify-message.js';
import { contextTextOf } from './context-text.js';
import { MAX_CONTEXT_MESSAGES, MAX_MESSAGE_CHARS, type MessageJob, type MessageText } from '../jobs/message-job.js';

/** How far up a reply chain the gateway follows. */
const MAX_REPLY_CHAIN = 3;

export interface ContextOptions {
  readonly botUserId: string;
  /** How many earlier channel messages to include. */
  readonly recentMessages: number;
  /** True when a message came from one of feelbot's persona webhooks. */
  readonly isPersonaMessage: (message: Message) => boolean;
  /** Which persona posted each of feelbot's replies, as the workers noted it. */
  readonly replyPersonas: Pick<ReplyPersonas, 'personasOf'>;
}

/** The job for one message: where it is, who wrote it, what it says, and a little context. */
export async function buildMessageJob(message: Message, addressed: boolean, options: ContextOptions): Promise<MessageJob> {
  const { parentId, categoryId } = channelPlace(message);
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
    context: await gatherContext(message, options),
    receivedAt: Date.now(),
  };
}

/**
 * The text without the bot's mention, twice: as people read it, user, role and channel mentions
 * as names (discord.js's cleanContent), for the reply; and as Discord sent it, for the classifier,
 * whose normaliser drops a mention's markup where it would read a name ("#scary-stories") as words.
 */
export function messageTextOf(message: Message, botUserId: string): Required<MessageText> {
  const botMentions = [`<@!?${botUserId}>`, ...botRoleIdsIn(message, botUserId).map((roleId) => `<@&${roleId}>`)];
  const withoutBot = message.content.replace(new RegExp(botMentions.join('|'), 'g'), '').trim();
  return {
    content: headCharacters(cleanContent(withoutBot, message.channel).trim(), MAX_MESSAGE_CHARS),
    rawContent: headCharacters(withoutBot, MAX_MESSAGE_CHARS),
  };
}

/** The text as people read it, without the bot's mention (messageTextOf). */
export function contentOf(message: Message, botUserId: string): string {
  return messageTextOf(message, botUserId).content;
}

function displayName(message: Message): string {
  return headChars(message.member?.displayName ?? message.author.displayName ?? message.author.username, 100) || 'someone';
}

async function gatherContext(message: Message, options: ContextOptions): Promise<ConversationMessage[]> {
  const byId = new Map<string, Message>();
  for (const earlier of await recentMessages(message, options.recentMessages)) byId.set(earlier.id, earlier);
  for (const link of await replyChain(message)) byId.set(link.id, link);
  const context = [...byId.values()]
    .filter((earlier) => !earlier.system)
    .sort((a, b) => a.createdTimestamp - b.createdTimestamp || (a.id < b.id ? -1 : 1))
    .map((earlier) => toConversationMessage(earlier, options))
    .filter((earlier) => earlier.content.trim().length > 0)
    .slice(-MAX_CONTEXT_MESSAGES);
  return withPersonaKeys(context, options.replyPersonas);
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

function toConversationMessage(message: Message, options: ContextOptions): ConversationMessage {
  const fromPersona = options.isPersonaMessage(message);
  const persona = fromPersona ? (message.webhookId ? message.author.username : (message.embeds[0]?.author?.name ?? message.author.username)) : undefined;
  return {
    messageId: message.id,
    authorName: persona ?? displayName(message),
    authorId: persona ? undefined : message.author.id,
    content: contextTextOf(message),
    persona,
  };
}
