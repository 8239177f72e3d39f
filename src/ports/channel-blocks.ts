/**
 * Places where a post just failed for a reason only an admin can fix (a missing permission, the
 * channel's webhook limit): a channel or thread by its id, or a whole server (its webhook limit).
 * Replies there are not written or tried again for a while: each try would spend a generation and
 * a refused request, and Discord bans clients that make too many.
 */
export interface ChannelBlocks {
  /** True when any of these places is blocked; asked in one step. */
  anyBlocked(places: readonly string[]): Promise<boolean>;
  /** Blocks the place for a while; `code` is the error that blocked it. */
  block(place: string, code: string): Promise<void>;
}

/** For `feelbot chat`: a terminal is never blocked. */
export const NO_CHANNEL_BLOCKS: ChannelBlocks = {
  anyBlocked: async () => false,
  block: async () => undefined,
};
