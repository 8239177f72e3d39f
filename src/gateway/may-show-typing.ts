import { PermissionFlagsBits, type Message } from 'discord.js';

/**
 * Whether Discord lets the bot show "typing" where `message` was sent: it takes the right to send
 * messages there (in a thread, to send in threads), which a bot that only posts through webhooks
 * may lack; asking anyway is refused with a 403 that counts toward Discord's invalid-request ban.
 * Read from the gateway's cache. Where the cache cannot say, it answers yes and the worker's
 * indicator gives up at the first refusal.
 */
export function mayShowTyping(message: Message): boolean {
  if (!message.inGuild()) return true;
  const me = message.guild.members.me;
  const permissions = me ? message.channel.permissionsFor(me) : null;
  if (!permissions) return true;
  const send = message.channel.isThread() ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages;
  return permissions.has([PermissionFlagsBits.ViewChannel, send]);
}
