/** What removing a server's queued work took out, and what it had to leave. */
export interface GuildJobsRemoval {
  /** Jobs removed: waiting, delayed, finished, reply or `/feel`. */
  readonly removed: number;
  /** Jobs a worker holds: BullMQ removes no active job; the worker sees the server's block before it posts, and removes the job once done. */
  readonly held: number;
  /** True when a stop cut the removal short: the rest stays set aside, and the next READY's sweep removes it. */
  readonly stopped: boolean;
}

/**
 * The queued work of a server the bot no longer is in: its members' reply jobs and `/feel`
 * requests hold their text, names, ids and other members' messages, which Discord's developer
 * policy asks to delete once the bot leaves. Removal comes in two steps, so that the slow one never
 * holds up the bot's return: `setAside` (one quick step, ordered before a GUILD_CREATE's lift), then
 * `removeSetAside`, which takes only what was set aside, never what is queued after the bot is back.
 */
export interface LeftGuildJobs {
  /**
   * Sets aside, as they are now, the server's jobs queued in the last week (LEFT_SERVER_BLOCK_SECONDS)
   * and its messages' edits recorded in the last hour. Safe to repeat: a later call adds what came since.
   */
  setAside(guildId: string): Promise<void>;
  /**
   * Removes what was set aside of the server: its jobs, whatever their state, and what was recorded
   * of its messages (their edits, their carriers). Safe to repeat, and to run beside another
   * removal of the same server. Once `signal` is aborted it stops between batches.
   */
  removeSetAside(guildId: string, signal?: AbortSignal): Promise<GuildJobsRemoval>;
  /** Gives back what was set aside: the bot is in the server again, and its jobs are answered. */
  restoreSetAside(guildId: string): Promise<void>;
  /** The servers with jobs queued in the last week, or set aside, a batch at a time; stops listing once `signal` is aborted. */
  guildsWithJobs(signal?: AbortSignal): AsyncIterable<readonly string[]>;
}
