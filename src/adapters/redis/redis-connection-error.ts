/**
 * ioredis's words for "not connected right now", as opposed to a command Redis rejected. A command
 * timed out counts too: Redis stopped answering, and the command may run later, so every step
 * retried here must be safe to run twice.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /Stream isn't writeable|enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|max retries per request|MaxRetriesPerRequest|connect ETIMEDOUT|Command timed out|LOADING/i.test(
    error.message,
  );
}
