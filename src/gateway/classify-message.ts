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

/**
 * A mention of the bot: of its user, or of the role Discord made for it when it joined (the
 * mention picker offers both under the bot's name, and they look alike). @everyone, @here and
 * other roles don't count.
 */
export function mentionsBot(message: Message, botUserId: string): boolean {
  return message.mentions.users.has(botUserId) || botRoleIdsIn(message, botUserId).length > 0;
}

/** The ids of the bot's own roles (a managed role whose bot is this one) that the message mentions. */
export function botRoleIdsIn(message: Message, botUserId: string): string[] {
  return [...message.mentions.roles.values()].filter((role) => role.tags?.botId === botUserId).map((role) => role.id);
}
