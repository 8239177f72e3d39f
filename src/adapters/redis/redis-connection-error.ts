/**
 * Error replies of a Redis that is changing roles or state, which it gives without running the
 * command: a failover under way (READONLY from a primary just demoted, MASTERDOWN from a replica
 * that lost its primary, UNBLOCKED for a blocking command cut short by the change), a node still
 * loading its data set (LOADING), a cluster resharding or down (TRYAGAIN, CLUSTERDOWN).
 */
const FAILOVER_REPLY = replyStartingWith('READONLY|MASTERDOWN|UNBLOCKED|LOADING|TRYAGAIN|CLUSTERDOWN');

/** The failover replies after which a new connection may reach another node (createRedis reconnects on them). */
const WRONG_NODE_REPLY = replyStartingWith('READONLY|MASTERDOWN|LOADING');

/**
 * A reply that starts with one of `codes`, as Redis sends them, also from inside a script
 * ("READONLY … script: …"); Redis 6 wraps one from a script in its own error instead:
 * "ERR Error running script (call to f_…): @user_script:4: @user_script: 4: -READONLY …".
 */
function replyStartingWith(codes: string): RegExp {
  return new RegExp(`^(?:${codes})\\b|^ERR Error running script\\b.*: -(?:${codes})\\b`);
}

/**
 * ioredis's words for "not connected right now", as opposed to a command Redis rejected. A command
 * timed out counts too: Redis stopped answering, and the command may run later, so every step
 * retried here must be safe to run twice. So do the failover replies: Redis ran nothing, and
 * answers again once the failover is over.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    FAILOVER_REPLY.test(error.message) ||
    /Stream isn't writeable|enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|max retries per request|MaxRetriesPerRequest|connect ETIMEDOUT|Command timed out/i.test(error.message)
  );
}

/**
 * True for a reply that says this connection reached a node that cannot take the command now: a
 * demoted primary, a replica without its primary, a node loading its data. The node behind the
 * address may have moved (a DNS name, a cloud's primary endpoint), and only a new connection
 * reaches the new one; the connection it came on would get the same answer for good.
 */
export function isWrongNodeReply(error: Error): boolean {
  return WRONG_NODE_REPLY.test(error.message);
}
