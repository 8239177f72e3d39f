import { Redis, type RedisOptions } from 'ioredis';
import { ErrorCodes } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import { isWrongNodeReply } from './redis-connection-error.js';

/**
 * Producers fail fast when Redis is down (the caller gets an error instead of a silently
 * queued command), workers wait forever for it to come back, as BullMQ's production guide asks.
 * A producer also gives up on a command Redis never answers (a host gone without closing the
 * connection); a worker cannot, since its blocking BZPOPMIN waits on purpose.
 */
export type RedisRole = 'producer' | 'worker';

/**
 * A producer's commands are single keys and short scripts a live Redis answers at once; 2 s stays
 * inside the 3 s Discord gives a gateway to answer an interaction.
 */
const PRODUCER_COMMAND_TIMEOUT_MS = 2_000;

const ROLE_OPTIONS = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS },
  worker: { enableOfflineQueue: true, maxRetriesPerRequest: null },
} as const satisfies Record<RedisRole, RedisOptions>;

/** Reconnect quickly at first, then every 5 seconds at most, forever. */
const MAX_RECONNECT_DELAY_MS = 5_000;

/** ioredis's answer from reconnectOnError for "reconnect, then send the failed command again". */
const RECONNECT_AND_RESEND = 2;

/**
 * A failover leaves an open connection on the demoted node, which answers every write with
 * READONLY for as long as it stays open: reconnect, so the address (a DNS name, a cloud's primary
 * endpoint) leads to the new primary, and send the command again, which the old node did not run.
 * A worker's command waits in the offline queue meanwhile; a producer's fails as a connection error
 * (no offline queue), which its caller retries.
 */
function reconnectOnWrongNode(error: Error): false | typeof RECONNECT_AND_RESEND {
  return isWrongNodeReply(error) && RECONNECT_AND_RESEND;
}

/**
 * `logger` hears when a connection that was ready is lost, and when it is ready again: an
 * operator reading the logs sees the outage and its end once each, not every failed retry.
 */
export function createRedis(url: string, role: RedisRole, name: string, logger?: Logger): Redis {
  const redis = new Redis(url, {
    ...ROLE_OPTIONS[role],
    connectionName: name,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
    reconnectOnError: reconnectOnWrongNode,
  });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  redis.on('error', () => undefined);
  if (logger) logConnectionState(redis, name, logger);
  return redis;
}

function logConnectionState(redis: Redis, name: string, logger: Logger): void {
  let lostAt: number | undefined;
  let readyBefore = false;
  // 'reconnecting', not 'close': a connection closed on purpose (a shutdown) is not lost.
  redis.on('reconnecting', () => {
    if (!readyBefore || lostAt !== undefined) return;
    lostAt = Date.now();
    logger.warn({ code: ErrorCodes.RedisUnavailable, connection: name }, 'redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (lostAt !== undefined) logger.info({ connection: name, downMs: Date.now() - lostAt }, 'redis connection back');
    lostAt = undefined;
    readyBefore = true;
  });
}

/** Keys feelbot owns beside BullMQ's, under the same hash-tagged prefix. */
export function feelbotKey(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join(':');
}
