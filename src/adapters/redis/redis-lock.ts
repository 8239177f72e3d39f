import type { Redis } from 'ioredis';

const LOCK_POLL_MS = 100;

/**
 * Runs `work` while holding a lock key shared by every process. A holder that died leaves a lock
 * that expires after `ttlMs`; a waiter gives up waiting then and runs anyway.
 */
export async function withRedisLock<T>(redis: Redis, key: string, ttlMs: number, work: () => Promise<T>): Promise<T> {
  const owner = `${process.pid}-${Math.random()}`;
  const deadline = Date.now() + ttlMs;
  while ((await redis.set(key, owner, 'PX', ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline) break; // The holder died; its lock has expired or is about to.
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
  try {
    return await work();
  } finally {
    if ((await redis.get(key)) === owner) await redis.del(key);
  }
}
