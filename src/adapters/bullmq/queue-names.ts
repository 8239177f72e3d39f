/** The queue every gateway fills and every worker drains. */
export const REPLY_QUEUE = 'replies';

/**
 * What the queue of every `feelbot chat` session is named after: a queue of its own, so that a
 * terminal session's worker never takes a Discord job it cannot post (and would fail for good),
 * even when it shares Redis and the prefix with a live deployment.
 */
export const TERMINAL_QUEUE = 'terminal-replies';

/**
 * The queue of one `feelbot chat` session: its own, so that two sessions on one Redis and prefix
 * never answer each other's lines (with the other's model and personas), and it can be removed
 * whole when the session ends. A hyphen, since BullMQ refuses a queue name with a colon.
 */
export function terminalQueueName(sessionId: string): string {
  return `${TERMINAL_QUEUE}-${sessionId}`;
}
