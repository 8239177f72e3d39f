import { Client, GatewayIntentBits, Partials } from 'discord.js';
import { invalidRequestOptions } from '../adapters/discord/invalid-requests.js';

/**
 * Only what feelbot reads: guild messages (and their text, a privileged intent), DMs, and guilds
 * for channel metadata. No presence or member intents.
 */
export const GATEWAY_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
] as const;

export function createDiscordClient(apiUrl: string): Client {
  return new Client({
    intents: [...GATEWAY_INTENTS],
    // DM channels are not cached until their first message arrives; a message deleted after it
    // left the cache (or before this gateway started) must still reach the deletion handler.
    partials: [Partials.Channel, Partials.Message],
    rest: { api: apiUrl, ...invalidRequestOptions() },
    allowedMentions: { parse: [], repliedUser: false },
  });
}
