/**
 * The workers' cache of each channel's webhooks (ids and tokens), as the gateway clears it when a
 * channel is deleted or the bot leaves a guild. Apart from the workers' WebhookDirectory so the
 * gateway needs only this.
 */
export interface WebhookCache {
  /** Drops the cached webhooks of these channels and threads; resolves how many had any. Safe to repeat. */
  forgetChannels(channelIds: readonly string[]): Promise<number>;
}
