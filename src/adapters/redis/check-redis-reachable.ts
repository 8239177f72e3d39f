import type { Redis } from 'ioredis';
import { ErrorCodes, FeelbotError } from '../../errors.js';
import { withinMs } from '../../time-limit.js';
import type { RedisDataWatch } from './redis-data-watch.js';
import { describeConnectionError, openStartupConnection } from './startup-connection.js';
import { withoutPassword } from './redis-url-secrets.js';

/** How long start-up waits for Redis to answer a PING: covers a Redis that starts beside us, not a missing one. */
const REDIS_STARTUP_DEADLINE_MS = 5_000;

/**
 * Start-up only: PINGs Redis on a connection of its own and fails with REDIS_UNAVAILABLE, naming
 * REDIS_URL without its password, when no answer comes within `deadlineMs`, or when the Redis
 * there is a read-only replica (every write would be refused). A Redis Cluster node fails it with
 * CONFIG_INVALID: feelbot's connections talk to one node, which answers the keys of other nodes'
 * slots with MOVED. The long-lived connections keep reconnecting forever, so Redis going down
 * later is survived as before. Given the process's `dataWatch`, it also asks whether Redis keeps its
 * data across a restart (AOF) and notes it there, for the process's first logged connection to warn
 * (REDIS_NOT_PERSISTENT) when it does not.
 */
export async function checkRedisReachable(url: string, deadlineMs: number = REDIS_STARTUP_DEADLINE_MS, dataWatch?: RedisDataWatch): Promise<void> {
  const { redis, lastError } = openStartupConnection(url, 'feelbot-startup-check');
  try {
    try {
      await withinMs(redis.ping(), deadlineMs);
    } catch (error) {
      const cause = lastError() ?? error;
      throw new FeelbotError(
        ErrorCodes.RedisUnavailable,
        `Redis at REDIS_URL=${withoutPassword(url)} did not answer within ${deadlineMs / 1000} s (${describeConnectionError(cause)}). Start Redis, or point REDIS_URL at it.`,
        { cause, userFacing: true },
      );
    }
    // Before ROLE: a cluster's replica is no better for being pointed at its primary.
    if (await isClusterNode(redis)) throw clusterRefused(url);
    if ((await roleOf(redis)) === 'slave') {
      throw new FeelbotError(
        ErrorCodes.RedisUnavailable,
        `Redis at REDIS_URL=${withoutPassword(url)} is a read-only replica, which refuses every write the queue makes. Point REDIS_URL at the primary.`,
        { userFacing: true },
      );
    }
    if (dataWatch) {
      const appendOnly = await appendOnlyOf(redis);
      if (appendOnly !== undefined) dataWatch.noteAppendOnly(appendOnly);
    }
  } finally {
    redis.disconnect();
  }
}

/** ROLE's first field ("master", "slave", "sentinel"); undefined where it may not be asked (an ACL without ROLE). */
async function roleOf(redis: Redis): Promise<string | undefined> {
  const reply = (await redis.call('ROLE').catch(() => undefined)) as unknown;
  return Array.isArray(reply) && typeof reply[0] === 'string' ? reply[0] : undefined;
}

/**
 * CONFIG GET appendonly; undefined where it may not be asked (managed Redis often refuses CONFIG,
 * an ACL may leave it out): nothing is known then, so nothing is said.
 */
async function appendOnlyOf(redis: Redis): Promise<boolean | undefined> {
  const reply = (await redis.call('CONFIG', 'GET', 'appendonly').catch(() => undefined)) as unknown;
  const value = Array.isArray(reply) ? reply[1] : undefined;
  return value === 'yes' ? true : value === 'no' ? false : undefined;
}

/** INFO's cluster section; false where it may not be asked (an ACL without INFO), as ROLE is. */
async function isClusterNode(redis: Redis): Promise<boolean> {
  const section = await redis.info('cluster').catch(() => '');
  return /^cluster_enabled:1\b/m.test(section);
}

function clusterRefused(url: string): FeelbotError {
  return new FeelbotError(
    ErrorCodes.ConfigInvalid,
    `Redis at REDIS_URL=${withoutPassword(url)} is a Redis Cluster node. feelbot needs a single Redis primary ` +
      `(a standalone Redis, or a managed Redis with failover behind one address); Redis Cluster is not supported. ` +
      `Point REDIS_URL at a standalone Redis.`,
    { userFacing: true, permanent: true, details: { redisUrl: withoutPassword(url) } },
  );
}
