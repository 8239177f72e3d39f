import { setTimeout } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { terminalQueueName } from '../adapters/bullmq/queue-names.js';
import { feelbotKey } from '../adapters/redis/redis-connection.js';
import { scanKeys } from '../adapters/redis/scan-keys.js';
import { terminalStreamKey } from '../adapters/redis/terminal-replier.js';
import { heartbeatKey } from './session-heartbeat.js';

/** A session id as localSnowflake makes it; a key holding anything else is not a session's. */
const SESSION_ID = /^\d+$/;

/**
 * How long a session found without its heartbeat is given to beat again before it counts as killed.
 * One alive but cut off from Redis past the heartbeat's TTL beats again as soon as Redis answers it:
 * its connection tries again every 5 s at most (createRedis), and its heartbeat is refreshed every
 * 5 s (DEFAULT_HEARTBEAT_OPTIONS). A session can only start once Redis answers it, so an outage of
 * Redis itself ends for both at about the same time.
 */
export const ABANDONED_GRACE_MS = 10_000;

export interface RemoveAbandonedOptions {
  /** How long a session without a heartbeat is given to beat again before it is removed. Defaults to ABANDONED_GRACE_MS. */
  readonly graceMs?: number;
  /** Ends the grace early, removing nothing (the session starting is stopped): the next session to start removes them. */
  readonly signal?: AbortSignal;
}

/**
 * Removes what `feelbot chat` sessions killed before they could clean up (SIGKILL, a crash, a lost
 * host) left under `prefix`: each one's queue whole (the lines typed, the context quoted) and its
 * reply stream. A session whose heartbeat key exists is alive and is left alone, as is `ownSessionId`;
 * so is one whose heartbeat is back after `graceMs` (a session cut off from Redis past its TTL).
 * The grace is waited out only when some session lacks its heartbeat. Resolves to the ids of the
 * sessions removed.
 */
export async function removeAbandonedSessions(redis: Redis, prefix: string, ownSessionId: string, options: RemoveAbandonedOptions = {}): Promise<string[]> {
  const { graceMs = ABANDONED_GRACE_MS, signal } = options;
  const silent: string[] = [];
  for (const sessionId of await sessionsIn(redis, prefix)) {
    if (sessionId !== ownSessionId && !(await hasHeartbeat(redis, prefix, sessionId))) silent.push(sessionId);
  }
  if (silent.length === 0) return [];
  try {
    await setTimeout(graceMs, undefined, { signal });
  } catch {
    return []; // Stopped meanwhile.
  }
  const removed: string[] = [];
  for (const sessionId of silent) {
    if (await hasHeartbeat(redis, prefix, sessionId)) continue;
    await removeSession(redis, prefix, sessionId);
    removed.push(sessionId);
  }
  return removed;
}

async function hasHeartbeat(redis: Redis, prefix: string, sessionId: string): Promise<boolean> {
  return (await redis.exists(heartbeatKey(prefix, sessionId))) === 1;
}

/** Every session with a queue key or a reply stream under `prefix`, found by SCAN (never KEYS, which blocks Redis). */
async function sessionsIn(redis: Redis, prefix: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const head of [feelbotKey(prefix, terminalQueueName('')), terminalStreamKey(prefix, '')]) {
    for await (const keys of scanKeys(redis, head)) {
      for (const key of keys) {
        const [id = ''] = key.slice(head.length).split(':');
        if (SESSION_ID.test(id)) ids.add(id);
      }
    }
  }
  return ids;
}

async function removeSession(redis: Redis, prefix: string, sessionId: string): Promise<void> {
  const queue = new Queue(terminalQueueName(sessionId), { connection: redis, prefix });
  try {
    // force: a job the dead session's worker held stays "active" until its lock lapses.
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
  await redis.del(terminalStreamKey(prefix, sessionId));
}
