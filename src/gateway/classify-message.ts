import type { Message } from 'discord.js';

/** Why the gateway ignores a message, or that it may be queued. */
export type MessageVerdict = 'bot' | 'webhook' | 'system' | 'queue';

/** Bots, webhooks (the personas included) and system messages are never answered. */
export function judgeMessage(message: Message): MessageVerdict {
  if (message.webhookId) return 'webhook';
  if (message.author.bot) return 'bot';
  if (message.system) return 'system';
  return 'queue';
}

/** A direct mention of the bot; @everyone and role mentions don't count. */
export function mentionsBot(message: Message, botUserId: string): boolean {
  return message.mentions.users.has(botUserId);
}
