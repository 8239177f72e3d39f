import { Redis } from 'ioredis';

/** Between connection attempts while a start-up check waits for Redis. */
const RETRY_DELAY_MS = 250;

/** A start-up check's own connection, and the last connection error it met, which says why a command timed out. */
export interface StartupConnection {
  readonly redis: Redis;
  lastError(): unknown;
}

/**
 * A connection for one start-up check: its commands wait in the offline queue while connection
 * attempts repeat, so the caller's deadline, not ioredis, decides how long Redis may take to come up.
 * The caller disconnects it.
 */
export function openStartupConnection(url: string, connectionName: string): StartupConnection {
  let lastError: unknown;
  const redis = new Redis(url, { connectionName, enableOfflineQueue: true, maxRetriesPerRequest: null, retryStrategy: () => RETRY_DELAY_MS });
  redis.on('error', (error: unknown) => {
    lastError = error;
  });
  return { redis, lastError: () => lastError };
}

/** A connection failure in one line; a refused dual-stack connection is reported by its first address. */
export function describeConnectionError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeConnectionError(error.errors[0]);
  return error instanceof Error ? error.message : String(error);
}
