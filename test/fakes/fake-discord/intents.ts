import { GatewayIntentBits } from 'discord-api-types/v10';

/**
 * Whether a session with these intents receives the event, and what it sees: without the
 * MessageContent intent, message text is blank unless the bot is mentioned or it is a DM; without
 * GuildPresences, GUILD_CREATE lists no member but the bot (guildCreateForIntents).
 */
export function shapeForIntents(event: string, data: unknown, intents: number, botUserId: string): { data: unknown } | null {
  if (event === 'GUILD_CREATE') return { data: guildCreateForIntents(data, intents, botUserId) };
  if (!event.startsWith('MESSAGE_')) return { data };
  const message = data as { guild_id?: string; author?: { id: string }; mentions?: { id: string }[] };
  const needed = message.guild_id ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
  if ((intents & needed) === 0) return null;
  if (intents & GatewayIntentBits.MessageContent || !message.guild_id || event.startsWith('MESSAGE_DELETE')) return { data };
  const exempt = message.author?.id === botUserId || message.mentions?.some((user) => user.id === botUserId);
  return { data: exempt ? data : { ...message, content: '', embeds: [], attachments: [], components: [] } };
}

/**
 * "If you don't have the GUILD_PRESENCES intent enabled, or if the guild has over 75k members,
 * members and presences returned in this event will only contain your bot and users in voice
 * channels" (Gateway Events, Guild Create). The fake has no voice, so: the bot alone.
 */
function guildCreateForIntents(data: unknown, intents: number, botUserId: string): unknown {
  const guild = data as { members?: Array<{ user: { id: string } }> };
  if (intents & GatewayIntentBits.GuildPresences || !guild.members) return data;
  return { ...guild, members: guild.members.filter((member) => member.user.id === botUserId) };
}
