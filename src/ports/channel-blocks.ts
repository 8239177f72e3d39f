/**
 * Places where a post just failed for a reason only an admin can fix (a missing permission, the
 * channel's webhook limit): a channel or thread by its id, or a whole server (its webhook limit).
 * Replies there are not written or tried again for a while: each try would spend a generation and
 * a refused request, and Discord bans clients that make too many.
 */
export interface ChannelBlocks {
  isBlocked(channelId: string): Promise<boolean>;
  /** Blocks the channel for a while; `code` is the error that blocked it. */
  block(channelId: string, code: string): Promise<void>;
}

/** For `feelbot chat`: a terminal is never blocked. */
export const NO_CHANNEL_BLOCKS: ChannelBlocks = {
  isBlocked: async () => false,
  block: async () => undefined,
};
