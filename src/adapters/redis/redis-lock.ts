import { setTimeout as sleep } from 'node:timers/promises';
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
  /** Stops a waiter (a shutting-down worker): it rejects with an AbortError and never runs `work`. */
  readonly signal?: AbortSignal;
}

/**
 * The lock `work` runs under. A holder stalled past the TTL (a paused process, Redis unreachable
 * for its renewals) can lose it while it works, so a write that must come from the holder only
 * checks the key still holds `owner` in the same Lua step (see `IF_HELD`).
 */
export interface HeldLock {
  readonly key: string;
  readonly owner: string;
}

/**
 * The head of a Lua script whose KEYS[1] is the lock and ARGV[1] its owner: it returns 0 unless
 * the caller still holds the lock; the rest of the script runs only while it does.
 */
export const IF_HELD = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
`;

const DEFAULT_OPTIONS = { ttlMs: 15_000, maxWaitMs: 3 * 60_000 } as const satisfies Required<Omit<RedisLockOptions, 'signal'>>;

const LOCK_POLL_MS = 100;

/** Extends the lock only while this holder still owns it, so a holder never revives a lock it lost. */
const RENEW = `${IF_HELD}return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

/** Deletes the lock only while this holder still owns it, in one step, never a successor's lock. */
const RELEASE = `${IF_HELD}return redis.call('DEL', KEYS[1])`;

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
export async function withRedisLock<T>(redis: Redis, key: string, work: (lock: HeldLock) => Promise<T>, options: RedisLockOptions = {}): Promise<T> {
  const { ttlMs, maxWaitMs, signal } = { ...DEFAULT_OPTIONS, ...options };
  const owner = `${process.pid}-${Math.random()}`;
  await acquire(redis, key, owner, ttlMs, maxWaitMs, signal);
  const renewal = setInterval(() => {
    // A failed renewal (Redis briefly unreachable) is retried on the next tick; the lock still has time left.
    redis.eval(RENEW, 1, key, owner, String(ttlMs)).catch(() => undefined);
  }, ttlMs / 3);
  try {
    return await work({ key, owner });
  } finally {
    clearInterval(renewal);
    await redis.eval(RELEASE, 1, key, owner);
  }
}

async function acquire(redis: Redis, key: string, owner: string, ttlMs: number, maxWaitMs: number, signal: AbortSignal | undefined): Promise<void> {
  const startedAt = Date.now();
  signal?.throwIfAborted();
  while ((await redis.set(key, owner, 'PX', ttlMs, 'NX')) !== 'OK') {
    const waitedMs = Date.now() - startedAt;
    if (waitedMs > maxWaitMs) throw new RedisLockTimeoutError(key, waitedMs);
    await sleep(LOCK_POLL_MS, undefined, { signal });
  }
}
