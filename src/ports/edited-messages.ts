/**
 * The newest text of messages edited after a reply job copied them into its context, shared by
 * gateways and workers: a reply still queued reads each as it reads now, so text its author took
 * back (a phone number edited out) never reaches the prompt.
 */
export interface EditedMessages {
  /**
   * Records a message's newest text as a context shows it; an empty text means nothing of it is
   * left. A later edit overwrites. `guildId` (none for a DM) notes it as the server's, so that it
   * goes with the server's other data when the server removes the bot.
   */
  mark(messageId: string, content: string, guildId?: string | null): Promise<void>;
  /** The newest text of those of these messages that were edited, by message id. */
  editsAmong(messageIds: readonly string[]): Promise<Map<string, string>>;
  /** Drops the recorded text of deleted messages, so it leaves Redis with them. */
  forget(messageIds: readonly string[]): Promise<void>;
}

/** For `feelbot chat`: nothing in a terminal is ever edited. */
export const NO_EDITS: EditedMessages = {
  mark: async () => undefined,
  editsAmong: async () => new Map(),
  forget: async () => undefined,
};
