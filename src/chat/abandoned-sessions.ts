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
 * Removes what `feelbot chat` sessions killed before they could clean up (SIGKILL, a crash, a lost
 * host) left under `prefix`: each one's queue whole (the lines typed, the context quoted) and its
 * reply stream. A session whose heartbeat key exists is alive and is left alone, as is `ownSessionId`.
 * Resolves to the ids of the sessions removed.
 */
export async function removeAbandonedSessions(redis: Redis, prefix: string, ownSessionId: string): Promise<string[]> {
  const removed: string[] = [];
  for (const sessionId of await sessionsIn(redis, prefix)) {
    if (sessionId === ownSessionId || (await redis.exists(heartbeatKey(prefix, sessionId))) === 1) continue;
    await removeSession(redis, prefix, sessionId);
    removed.push(sessionId);
  }
  return removed;
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
