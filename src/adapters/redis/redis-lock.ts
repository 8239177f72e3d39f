import type { Redis } from 'ioredis';

export interface RedisLockOptions {
  /**
   * How long the lock outlives a holder that died without releasing it. A live holder renews it
   * every third of this, however long its work takes. Defaults to 15 seconds.
   */
  readonly ttlMs?: number;
  /**
   * How long a waiter waits for a live holder before giving up with a RedisLockTimeoutError;
   * it never runs `work` without the lock. Defaults to 3 minutes.
   */
  readonly maxWaitMs?: number;
}

const DEFAULT_OPTIONS = { ttlMs: 15_000, maxWaitMs: 3 * 60_000 } as const satisfies Required<RedisLockOptions>;

const LOCK_POLL_MS = 100;

/** Extends the lock only while this holder still owns it, so a holder never revives a lock it lost. */
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`;

/** Deletes the lock only while this holder still owns it, in one step, never a successor's lock. */
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`;

/** A waiter gave up: another process held the lock (and kept renewing it) for longer than `maxWaitMs`. */
export class RedisLockTimeoutError extends Error {
  override readonly name = 'RedisLockTimeoutError';

  constructor(readonly key: string, readonly waitedMs: number) {
    super(`The lock ${key} was still held by a live process after ${waitedMs} ms.`);
  }
}

/**
 * Runs `work` while holding a lock key shared by every process. The holder renews the lock for as
 * long as `work` runs; one that died leaves a lock that expires after `ttlMs`, and a waiter takes it then.
 */
export async function withRedisLock<T>(redis: Redis, key: string, work: () => Promise<T>, options: RedisLockOptions = {}): Promise<T> {
  const { ttlMs, maxWaitMs } = { ...DEFAULT_OPTIONS, ...options };
  const owner = `${process.pid}-${Math.random()}`;
  await acquire(redis, key, owner, ttlMs, maxWaitMs);
  const renewal = setInterval(() => {
    // A failed renewal (Redis briefly unreachable) is retried on the next tick; the lock still has time left.
    redis.eval(RENEW, 1, key, owner, String(ttlMs)).catch(() => undefined);
  }, ttlMs / 3);
  try {
    return await work();
  } finally {
    clearInterval(renewal);
    await redis.eval(RELEASE, 1, key, owner);
  }
}

async function acquire(redis: Redis, key: string, owner: string, ttlMs: number, maxWaitMs: number): Promise<void> {
  const startedAt = Date.now();
  while ((await redis.set(key, owner, 'PX', ttlMs, 'NX')) !== 'OK') {
    const waitedMs = Date.now() - startedAt;
    if (waitedMs > maxWaitMs) throw new RedisLockTimeoutError(key, waitedMs);
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}
