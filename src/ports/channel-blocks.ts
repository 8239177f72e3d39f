/**
 * Places no reply is written for, for a while: a channel or thread by its id, or a whole server
 * (its webhook limit). A post there just failed for a reason only an admin can fix (a missing
 * permission, the channel's webhook limit), or the gateway saw the place deleted (CHANNEL_DELETED).
 * Each try would spend a generation and a refused request, and Discord bans clients that make too many.
 */
export interface ChannelBlocks {
  /** The code that blocked the first of these places that is blocked, in their order; undefined when none is. Asked in one step. */
  blockedBy(places: readonly string[]): Promise<string | undefined>;
  /** Blocks the place for a while; `code` is the error that blocked it. */
  block(place: string, code: string): Promise<void>;
}

/** For `feelbot chat`: a terminal is never blocked. */
export const NO_CHANNEL_BLOCKS: ChannelBlocks = {
  blockedBy: async () => undefined,
  block: async () => undefined,
};
