import type { FakeContext } from './context.js';
import { guildCreatePayload } from './payloads/guild.js';

/**
 * The bot kicked or banned from a guild, or the guild deleted: the bot's membership goes and
 * Discord dispatches GUILD_DELETE with the guild's id alone; an absent `unavailable` is what says
 * the bot was removed (Discord's "Guild Delete" gateway event). The guild itself stays in the store.
 */
export function removeBotFromGuild(context: FakeContext, guildId: string): void {
  context.store.guild(guildId);
  context.store.removeMember(guildId, context.botUserId);
  context.gateway.dispatch('GUILD_DELETE', { id: guildId });
}

/** A Discord outage: GUILD_DELETE with `unavailable: true`; the guild and the bot's membership stay. */
export function makeGuildUnavailable(context: FakeContext, guildId: string): void {
  context.store.guild(guildId);
  context.gateway.dispatch('GUILD_DELETE', { id: guildId, unavailable: true });
}

/** The outage over: GUILD_CREATE with the whole guild again, as Discord sends when a guild becomes available. */
export function makeGuildAvailable(context: FakeContext, guildId: string): void {
  context.gateway.dispatch('GUILD_CREATE', guildCreatePayload(context.store, context.store.guild(guildId)));
}
