import { PermissionFlagsBits, type Message } from 'discord.js';

/**
 * Whether the bot may read the history where `message` was sent (Read Message History; a thread
 * takes its parent's), from the gateway's cache. Discord answers a history read without it with an
 * empty page, not a refusal, so a post that landed cannot be found there. Always in a DM; undefined
 * where the cache cannot say.
 */
export function mayReadHistory(message: Message): boolean | undefined {
  if (!message.inGuild()) return true;
  const me = message.guild.members.me;
  const permissions = me ? message.channel.permissionsFor(me) : null;
  if (!permissions) return undefined;
  return permissions.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ReadMessageHistory]);
}
