/** A message of the recent conversation, as the gateway saw it. */
export interface ConversationMessage {
  /** The Discord message it was, where known; a burst drops its own messages from the context by it. */
  readonly messageId?: string | undefined;
  readonly authorName: string;
  readonly content: string;
  /** Set when one of feelbot's personas wrote it: the name it posted under (a server may have renamed it). */
  readonly persona?: string | undefined;
}
