/** What removing a server's queued work took out, and what it had to leave. */
export interface GuildJobsRemoval {
  /** Jobs removed: waiting, delayed, finished, reply or `/feel`. */
  readonly removed: number;
  /** Jobs a worker holds: BullMQ removes no active job; the worker sees the server's block before it posts. */
  readonly held: number;
}

/**
 * The queued work of a server the bot no longer is in: its members' reply jobs and `/feel`
 * requests hold their text, names, ids and other members' messages, which Discord's developer
 * policy asks to delete once the bot leaves.
 */
export interface LeftGuildJobs {
  /**
   * Removes the server's jobs queued in the last week (LEFT_SERVER_BLOCK_SECONDS), whatever their
   * state, and what they recorded of its messages (their edits, their carriers). Safe to repeat.
   */
  removeGuild(guildId: string): Promise<GuildJobsRemoval>;
  /** The servers with jobs queued in the last week, a batch at a time; stops listing once `signal` is aborted. */
  guildsWithJobs(signal?: AbortSignal): AsyncIterable<readonly string[]>;
}
