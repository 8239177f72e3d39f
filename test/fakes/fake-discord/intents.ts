import { GatewayIntentBits } from 'discord-api-types/v10';

/**
 * Whether a session with these intents receives the event, and what it sees: without the
 * MessageContent intent, message text is blank unless the bot is mentioned or it is a DM.
 */
export function shapeForIntents(event: string, data: unknown, intents: number, botUserId: string): { data: unknown } | null {
  if (!event.startsWith('MESSAGE_')) return { data };
  const message = data as { guild_id?: string; author?: { id: string }; mentions?: { id: string }[] };
  const needed = message.guild_id ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
  if ((intents & needed) === 0) return null;
  if (intents & GatewayIntentBits.MessageContent || !message.guild_id || event.startsWith('MESSAGE_DELETE')) return { data };
  const exempt = message.author?.id === botUserId || message.mentions?.some((user) => user.id === botUserId);
  return { data: exempt ? data : { ...message, content: '', embeds: [], attachments: [], components: [] } };
}
