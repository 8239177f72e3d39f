import type { Message } from 'discord.js';
import type { ConversationMessage } from '../domain/conversation.js';
import { channelPlace } from './channel-place.js';
import { MAX_CONTEXT_MESSAGES, MAX_MESSAGE_CHARS, type MessageJob } from '../jobs/message-job.js';

/** How far up a reply chain the gateway follows. */
const MAX_REPLY_CHAIN = 3;

export interface ContextOptions {
  readonly botUserId: string;
  /** How many earlier channel messages to include. */
  readonly recentMessages: number;
  /** True when a message came from one of feelbot's persona webhooks. */
  readonly isPersonaMessage: (message: Message) => boolean;
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
    content: contentOf(message, options.botUserId),
    addressed,
    context: await gatherContext(message, options),
    receivedAt: Date.now(),
  };
}

/** The text as people read it, without the leading bot mention. */
export function contentOf(message: Message, botUserId: string): string {
  const withoutBot = message.content.replace(new RegExp(`<@!?${botUserId}>`, 'g'), '').trim();
  const readable = withoutBot === message.content.trim() ? message.cleanContent : cleanMentions(message, withoutBot);
  return readable.trim().slice(0, MAX_MESSAGE_CHARS);
}

function cleanMentions(message: Message, text: string): string {
  return text.replace(/<@!?(\d+)>/g, (_, id: string) => {
    const member = message.guild?.members.cache.get(id);
    const user = message.client.users.cache.get(id);
    return `@${member?.displayName ?? user?.displayName ?? 'someone'}`;
  });
}

function displayName(message: Message): string {
  return (message.member?.displayName ?? message.author.displayName ?? message.author.username).slice(0, 100) || 'someone';
}

async function gatherContext(message: Message, options: ContextOptions): Promise<ConversationMessage[]> {
  const byId = new Map<string, Message>();
  for (const earlier of await recentMessages(message, options.recentMessages)) byId.set(earlier.id, earlier);
  for (const link of await replyChain(message)) byId.set(link.id, link);
  return [...byId.values()]
    .filter((earlier) => earlier.content.trim().length > 0 && !earlier.system)
    .sort((a, b) => a.createdTimestamp - b.createdTimestamp || (a.id < b.id ? -1 : 1))
    .slice(-MAX_CONTEXT_MESSAGES)
    .map((earlier) => toConversationMessage(earlier, options));
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
  while (current.reference?.messageId && chain.length < MAX_REPLY_CHAIN) {
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
  const persona = options.isPersonaMessage(message) ? message.author.username : undefined;
  return {
    authorName: persona ?? displayName(message),
    content: message.cleanContent.slice(0, MAX_MESSAGE_CHARS),
    persona,
  };
}
