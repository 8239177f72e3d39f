/** The queue every gateway fills and every worker drains. */
export const REPLY_QUEUE = 'replies';

/**
 * The queue of `feelbot chat`: its own, so that a terminal session's worker never takes a Discord
 * job it cannot post (and would fail for good), even when it shares Redis and the prefix with a
 * live deployment.
 */
export const TERMINAL_QUEUE = 'terminal-replies';
