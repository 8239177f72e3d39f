import { Client, GatewayIntentBits, Partials, type ClientOptions } from 'discord.js';
import { rejectsCallbackWaitsPastWindow } from '../adapters/discord/interaction-callback-wait.js';
import type { ShardPlan } from '../shard-plan.js';

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

/** The gateway's client. `shards` defaults to `auto`, as DISCORD_SHARDS does. */
export function createDiscordClient(apiUrl: string, shards: ShardPlan = 'auto'): Client {
  return new Client({
    ...shardOptions(shards),
    intents: [...GATEWAY_INTENTS],
    // Without the Channel partial no DM arrives (a DM channel is not cached before its first message);
    // the Message partial lets a deletion or edit of a message not in the cache reach its handler. In a
    // DM channel not cached (after a restart), discord.js drops them anyway: listen-for-uncached-dms.ts.
    partials: [Partials.Channel, Partials.Message],
    // A deferral or reply that would wait past Discord's 3 s fails at once, as does any request whose 429 names
    // no wait (Cloudflare's edge); every other request waits out its 429s.
    rest: { api: apiUrl, rejectOnRateLimit: rejectsCallbackWaitsPastWindow },
    allowedMentions: { parse: [], repliedUser: false },
  });
}

/** `auto` has discord.js ask GET /gateway/bot for the count and run every shard; else these ids of `count`. */
function shardOptions(shards: ShardPlan): Pick<ClientOptions, 'shards' | 'shardCount'> {
  return shards === 'auto' ? { shards: 'auto' } : { shards: [...shards.ids], shardCount: shards.count };
}
