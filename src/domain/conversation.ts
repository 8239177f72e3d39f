/** A message of the recent conversation, as the gateway saw it. */
export interface ConversationMessage {
  readonly authorName: string;
  readonly content: string;
  /** Set when one of feelbot's personas wrote it; the persona's emotion. */
  readonly persona?: string | undefined;
}
