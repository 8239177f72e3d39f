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

/** Asks Discord whether a message, and the channel or thread it was sent in, still exist. */
export interface MessageLookup {
  /** Never rejects: a failure to ask is `unsure`. `signal` cuts a lookup short (it then reads as unsure). */
  existence(channelId: string, messageId: string, signal?: AbortSignal): Promise<MessageExistence>;
}
