/**
 * Places no reply is written for, for a while: a channel or thread by its id, or a whole server
 * (its webhook limit). A post there just failed for a reason only an admin can fix (a missing
 * permission, the channel's webhook limit), or the gateway saw the place deleted (CHANNEL_DELETED), or
 * saw the bot removed from the server (GUILD_LEFT).
 * Each try would spend a generation and a refused request, and Discord bans clients that make too many.
 */
export interface ChannelBlocks {
  /** The code that blocked the first of these places that is blocked, in their order; undefined when none is. Asked in one step. */
  blockedBy(places: readonly string[]): Promise<string | undefined>;
  /** Blocks the place for a while; `code` is the error that blocked it. */
  block(place: string, code: string): Promise<void>;
}

/** Blocks that can also be lifted before they expire: a server that removed the bot is blocked until it adds it again. */
export interface LiftableBlocks extends ChannelBlocks {
  /** Lifts the place's block when `code` blocked it; a block under another code stays. True when one was lifted. */
  unblock(place: string, code: string): Promise<boolean>;
}

/** For `feelbot chat`: a terminal is never blocked. */
export const NO_CHANNEL_BLOCKS: ChannelBlocks = {
  blockedBy: async () => undefined,
  block: async () => undefined,
};
