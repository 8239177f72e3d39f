import { Redis, type RedisOptions } from 'ioredis';
import { ErrorCodes } from '../../errors.js';
import type { Logger } from '../../ports/logger.js';
import { primaryOnlyConnector } from './primary-only-connector.js';
import type { RedisDataWatch } from './redis-data-watch.js';
import { isWrongNodeReply } from './redis-connection-error.js';
import { withoutPassword } from './redis-url-secrets.js';

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

/** Reconnect quickly at first (0.2, 0.4, 0.8 … seconds after), then every 5 seconds at most, forever. */
const FIRST_RECONNECT_DELAY_MS = 200;
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * How long the address may lead only to a replica before that is logged as an error: a failover
 * usually moves it sooner, a REDIS_URL that names a replica never does. Under the 10 s a starting
 * process waits for BullMQ's check of Redis, so one that stops for it has said why.
 */
const REPLICA_REPORT_AFTER_MS = 5_000;

/** ioredis's answer from reconnectOnError for "reconnect, then send the failed command again". */
const RECONNECT_AND_RESEND = 2;

/**
 * A failover leaves an open connection on the demoted node, which answers every write with
 * READONLY for as long as it stays open: reconnect, so the address (a DNS name, a cloud's primary
 * endpoint) leads to the new primary, and send the command again, which the old node did not run.
 * A connection that reaches a replica again is not ready (primaryOnlyConnector) and keeps
 * reconnecting, backing off, until the address leads to a primary. A worker's command waits in the
 * offline queue meanwhile; a producer's fails as a connection error (no offline queue), which its
 * caller retries.
 */
function reconnectOnWrongNode(error: Error): false | typeof RECONNECT_AND_RESEND {
  return isWrongNodeReply(error) && RECONNECT_AND_RESEND;
}

export interface CreateRedisOptions {
  /**
   * The process's watch over Redis's data (one per process, shared by its logged connections), for
   * `logger` to hear of what start-up found there. Defaults to none: nothing is said of AOF or of data lost.
   */
  readonly dataWatch?: RedisDataWatch;
}

/**
 * `logger` hears when a connection that was ready is lost, and when it is ready again: an
 * operator reading the logs sees the outage and its end once each, not every failed retry. It
 * also hears, once, when the address has led only to a replica for REPLICA_REPORT_AFTER_MS; and,
 * with a `dataWatch`, once per process when start-up found Redis without AOF, and after a reconnect
 * when Redis came back without the data start-up saw there (REDIS_DATA_LOST).
 */
export function createRedis(url: string, role: RedisRole, name: string, logger?: Logger, options: CreateRedisOptions = {}): Redis {
  const redis = new Redis(url, {
    ...ROLE_OPTIONS[role],
    connectionName: name,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(FIRST_RECONNECT_DELAY_MS * 2 ** (attempt - 1), MAX_RECONNECT_DELAY_MS),
    reconnectOnError: reconnectOnWrongNode,
    // One class per call: the connections BullMQ duplicates from this one share its report.
    Connector: primaryOnlyConnector(logger ? reportReplicaAtAddress(url, name, logger) : () => undefined),
  });
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  redis.on('error', () => undefined);
  if (logger) logConnectionState(redis, name, logger, options.dataWatch);
  return redis;
}

function logConnectionState(redis: Redis, name: string, logger: Logger, dataWatch: RedisDataWatch | undefined): void {
  let lostAt: number | undefined;
  let readyBefore = false;
  // 'reconnecting', not 'close': a connection closed on purpose (a shutdown) is not lost.
  redis.on('reconnecting', () => {
    if (!readyBefore || lostAt !== undefined) return;
    lostAt = Date.now();
    logger.warn({ code: ErrorCodes.RedisUnavailable, connection: name }, 'redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!readyBefore && dataWatch) warnIfNotPersistent(dataWatch, name, logger);
    if (lostAt !== undefined) {
      logger.info({ connection: name, downMs: Date.now() - lostAt }, 'redis connection back');
      if (dataWatch) reportDataLost(redis, dataWatch, name, logger);
    }
    lostAt = undefined;
    readyBefore = true;
  });
}

function warnIfNotPersistent(dataWatch: RedisDataWatch, name: string, logger: Logger): void {
  if (!dataWatch.takeNotPersistentNotice()) return;
  logger.warn(
    { code: ErrorCodes.RedisNotPersistent, connection: name },
    'Redis runs without AOF (appendonly no): a restart of Redis would lose the messages queued in it; enable AOF (appendonly yes)',
  );
}

/** Only after a reconnect, one command per claimed prefix: a Redis that restarted empty says nothing of it itself. */
function reportDataLost(redis: Redis, dataWatch: RedisDataWatch, name: string, logger: Logger): void {
  dataWatch.prefixesWithDataLost(redis).then(
    (prefixes) => {
      if (prefixes.length === 0) return;
      logger.error(
        { code: ErrorCodes.RedisDataLost, connection: name, queuePrefixes: prefixes },
        'Redis came back without its data (restarted without AOF, failed over to a replica that lacked it, or evicted it): messages queued before are lost ' +
          'and will not be answered; enable AOF (appendonly yes)',
      );
    },
    // Lost again before it answered: the next reconnect checks again.
    (error: unknown) => logger.debug({ err: error, connection: name }, 'could not check whether Redis kept its data'),
  );
}

/**
 * Logs when the connections made from one createRedis have met only a replica at the address for
 * REPLICA_REPORT_AFTER_MS, once until one of them reaches a primary: they wait there for a primary,
 * which never comes when REDIS_URL names a replica.
 */
function reportReplicaAtAddress(url: string, name: string, logger: Logger): (isReplica: boolean) => void {
  let replicaSince: number | undefined;
  let reported = false;
  return (isReplica) => {
    if (!isReplica) {
      replicaSince = undefined;
      reported = false;
      return;
    }
    replicaSince ??= Date.now();
    const replicaForMs = Date.now() - replicaSince;
    if (reported || replicaForMs < REPLICA_REPORT_AFTER_MS) return;
    reported = true;
    logger.error(
      { code: ErrorCodes.RedisUnavailable, connection: name, redisUrl: withoutPassword(url), replicaForMs },
      'the Redis at REDIS_URL is a read-only replica; waiting for it to become the primary (point REDIS_URL at the primary unless a failover is under way)',
    );
  };
}

/** Keys feelbot owns beside BullMQ's, under the same hash-tagged prefix. */
export function feelbotKey(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].join(':');
}
