import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { feelbotKey } from './redis-connection.js';

/**
 * Written once, by the first process to start under a prefix, and never expiring nor deleted: as
 * long as Redis keeps feelbot's data it keeps this value. None, or another value (written after a
 * loss), means Redis lost what it held (restarted without persistence, failed over to a replica
 * that never had it, or evicted it).
 */
export function dataSentinelKey(prefix: string): string {
  return feelbotKey(prefix, 'data-since');
}

/** Writes the sentinel where there is none, in one step, and returns the value Redis holds then. */
const MARK = `redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])`;

/** The sentinel Redis holds for `prefix`, written now if Redis holds none. */
export async function markRedisData(redis: Redis, prefix: string): Promise<string> {
  // When the data began, and a random part: a sentinel written again after a loss never equals the one before.
  const value = `${new Date().toISOString()} ${randomUUID()}`;
  return String(await redis.eval(MARK, 1, dataSentinelKey(prefix), value));
}

/** The sentinel Redis holds for `prefix`; undefined when it holds none. */
export async function readRedisData(redis: Redis, prefix: string): Promise<string | undefined> {
  return (await redis.get(dataSentinelKey(prefix))) ?? undefined;
}
