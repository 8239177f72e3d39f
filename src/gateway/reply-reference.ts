import { MessageReferenceType, type Message } from 'discord.js';

/**
 * True when the message replies to another message of its own channel: the only reference the
 * gateway follows. A forward (or a crosspost) points at its source, which may be another channel
 * or guild whose messages must not reach a reply posted here, and is no reply to a persona.
 */
export function repliesInChannel(message: Message): boolean {
  const reference = message.reference;
  if (!reference?.messageId) return false;
  // Discord leaves out the type of an ordinary reply's reference; it then means Default.
  return (reference.type ?? MessageReferenceType.Default) === MessageReferenceType.Default && reference.channelId === message.channelId;
}
