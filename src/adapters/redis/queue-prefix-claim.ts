import { ErrorCodes, FeelbotError } from '../../errors.js';
import { withinMs } from '../../time-limit.js';
import { feelbotKey } from './redis-connection.js';
import { markRedisData } from './redis-data-sentinel.js';
import type { RedisDataWatch } from './redis-data-watch.js';
import { describeConnectionError, openStartupConnection } from './startup-connection.js';
import { withoutPassword } from './redis-url-secrets.js';

/** Start-up has just seen Redis answer a PING; this only covers it going away in between. */
const CLAIM_DEADLINE_MS = 5_000;

/** Sets the owner when there is none, in one step, and returns whoever owns the prefix then. */
const CLAIM = `local owner = redis.call('GET', KEYS[1])
if owner then return owner end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

export interface ClaimOptions {
  /** How long Redis may take to answer. Defaults to CLAIM_DEADLINE_MS. */
  readonly deadlineMs?: number;
  /** A stop during start-up: the claim ends at once, rejecting with its reason. */
  readonly signal?: AbortSignal;
  /** The process's watch, which hears the prefix's data sentinel. Defaults to none. */
  readonly dataWatch?: RedisDataWatch;
}

/** Holds the id of the Discord application whose processes use the prefix; it never expires. */
export function queuePrefixOwnerKey(prefix: string): string {
  return feelbotKey(prefix, 'application');
}

/**
 * Start-up only: claims QUEUE_PREFIX for this Discord application on a connection of its own, or
 * fails with CONFIG_INVALID when another application holds it. Two bots under one prefix would
 * take each other's jobs and cached webhooks, and each gateway's READY would delete the settings
 * of the other bot's servers. It also reads (or writes, into a Redis without one) the prefix's data
 * sentinel, which runs read to tell a job lost with Redis's data, and notes it in `dataWatch`, for the
 * process's connections to tell, after a reconnect, whether Redis kept its data.
 */
export async function claimQueuePrefix(url: string, prefix: string, applicationId: string, options: ClaimOptions = {}): Promise<void> {
  const { deadlineMs = CLAIM_DEADLINE_MS, signal, dataWatch } = options;
  signal?.throwIfAborted();
  const { redis, lastError } = openStartupConnection(url, 'feelbot-prefix-claim');
  let onStop: () => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (onStop = () => reject(signal?.reason)));
  signal?.addEventListener('abort', onStop, { once: true });
  try {
    const claimThenMark = async () => {
      const owner = String(await redis.eval(CLAIM, 1, queuePrefixOwnerKey(prefix), applicationId));
      // Only under this bot's own prefix: another bot's is not this one's to write. A Redis user
      // whose ACL leaves the sentinel out still starts; its losses go unseen.
      const sentinel = owner === applicationId ? await markRedisData(redis, prefix).catch(() => undefined) : undefined;
      return { owner, sentinel };
    };
    const { owner, sentinel } = await Promise.race([withinMs(claimThenMark(), deadlineMs), stopped]).catch((error: unknown) => {
      if (signal?.aborted) throw signal.reason;
      const cause = lastError() ?? error;
      throw new FeelbotError(
        ErrorCodes.RedisUnavailable,
        `Redis at REDIS_URL=${withoutPassword(url)} could not record QUEUE_PREFIX=${prefix} as this bot's within ${deadlineMs / 1000} s (${describeConnectionError(cause)}).`,
        { cause, userFacing: true },
      );
    });
    if (owner !== applicationId) throw prefixTaken(prefix, applicationId, owner);
    if (sentinel !== undefined) dataWatch?.noteDataSentinel(prefix, sentinel);
  } finally {
    signal?.removeEventListener('abort', onStop);
    redis.disconnect();
  }
}

function prefixTaken(prefix: string, applicationId: string, owner: string): FeelbotError {
  return new FeelbotError(
    ErrorCodes.ConfigInvalid,
    `QUEUE_PREFIX=${prefix} belongs to Discord application ${owner} in this Redis, not to this bot's application ${applicationId}. ` +
      `Two bots under one prefix take each other's messages and delete each other's server settings. Choose another QUEUE_PREFIX for this bot ` +
      `(or, if application ${owner} no longer runs here, delete the key ${queuePrefixOwnerKey(prefix)}).`,
    { userFacing: true, permanent: true, details: { queuePrefix: prefix, applicationId, claimedBy: owner } },
  );
}
