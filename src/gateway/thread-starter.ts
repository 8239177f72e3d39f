import { MessageType, type Message } from 'discord.js';

/**
 * The message a thread was started from, when `first` is the thread's first message: Discord's
 * THREAD_STARTER_MESSAGE (21), with no text of its own, references that message in the parent
 * channel, and the thread took its id. Everyone in the thread sees it atop the thread, so a reply
 * there may read it; no other reference to another channel is followed (reply-reference.ts).
 * Undefined for any other message, and when the message is gone or cannot be read.
 */
export async function threadStarterOf(first: Message | undefined): Promise<Message | undefined> {
  if (!first || !startsThread(first)) return undefined;
  try {
    return await first.fetchReference();
  } catch {
    return undefined; // Deleted (Discord then leaves the reference dangling), or no Read Message History there.
  }
}

function startsThread(message: Message): boolean {
  const { channel, reference } = message;
  return (
    message.type === MessageType.ThreadStarterMessage &&
    channel.isThread() &&
    reference?.messageId === channel.id &&
    reference.channelId === channel.parentId
  );
}
