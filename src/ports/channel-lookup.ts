/**
 * What Discord says of a channel or thread id: it still has it (archived threads included), it has
 * no such channel, or it gave no answer to act on: no access (403 Missing Access), an outage (5xx),
 * a network failure, a lookup cut short by a stopping gateway.
 */
export type ChannelExistence = { readonly state: 'exists' } | { readonly state: 'gone' } | { readonly state: 'unsure'; readonly error: unknown };

/** Asks Discord whether a channel or thread still exists. */
export interface ChannelLookup {
  /** Never rejects: a failure to ask is `unsure`. `signal` cuts a lookup short (it then reads as unsure). */
  existence(channelId: string, signal?: AbortSignal): Promise<ChannelExistence>;
}
