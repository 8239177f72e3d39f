import type { Redis } from 'ioredis';

/**
 * Sets every key to `value` with a TTL, in one MULTI. False when Redis aborted the transaction (a
 * WATCH someone left on this connection) and nothing was set; the caller decides whether that matters.
 */
export async function setAllWithTtl(redis: Redis, keys: readonly string[], value: string, ttlSeconds: number): Promise<boolean> {
  const batch = redis.multi();
  for (const key of keys) batch.set(key, value, 'EX', ttlSeconds);
  return (await batch.exec()) !== null;
}
