/**
 * What Discord says of a message: it still has it, it has no such message (deleted), it has no
 * such channel (the thread or channel was deleted, its messages with it), or it gave no answer to
 * act on: no access (403, as without Read Message History), an outage (5xx), a network failure, a
 * timeout, a lookup cut short by a stopping worker.
 */
export type MessageExistence =
  | { readonly state: 'exists' }
  | { readonly state: 'message-gone' }
  | { readonly state: 'channel-gone' }
  | { readonly state: 'unsure'; readonly error: unknown };

/**
 * The ids of one page of a channel's messages, or no answer to act on (as for MessageExistence's
 * `unsure`, and a channel Discord no longer has). Without Read Message History the page is empty.
 */
export type MessagePage = { readonly state: 'listed'; readonly messageIds: readonly string[] } | { readonly state: 'unsure'; readonly error: unknown };

/** Asks Discord whether messages, and the channel or thread they were sent in, still exist. */
export interface MessageLookup {
  /** Never rejects: a failure to ask is `unsure`. `signal` cuts a lookup short (it then reads as unsure). */
  existence(channelId: string, messageId: string, signal?: AbortSignal): Promise<MessageExistence>;
  /**
   * The newest MESSAGE_PAGE_SIZE messages of the channel sent no later than `newestId`, that one
   * included, in one request. Never rejects, as `existence`.
   */
  pageThrough(channelId: string, newestId: string, signal?: AbortSignal): Promise<MessagePage>;
}

/** Discord's most messages in one page of a channel's history (GET /channels/{id}/messages, `limit`). */
export const MESSAGE_PAGE_SIZE = 100;
