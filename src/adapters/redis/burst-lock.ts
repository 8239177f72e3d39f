import type { Redis } from 'ioredis';
import { feelbotKey } from './redis-connection.js';
import { withRedisLock, type RedisLockOptions } from './redis-lock.js';

/**
 * A step holds the lock for a few round trips; a live holder renews it however long Redis makes
 * it take. A gateway that died (or lost Redis) holding it delays the author's next message by the
 * TTL at most. A waiter gives up (RedisLockTimeoutError) only after far longer than any one step
 * takes while Redis answers at all (a producer's command gives up after 2 s), so it never hangs.
 */
export const BURST_LOCK_OPTIONS = { ttlMs: 5_000, maxWaitMs: 60_000 } as const satisfies RedisLockOptions;

/**
 * Runs one step on an author's burst in one channel (a message appended and the burst's job
 * queued, or an edit put into both) while no gateway runs another on the same burst. Each job
 * queued replaces the burst's delayed job whole, so without it a step that read the burst earlier
 * but queued later (two gateways during a roll-out) would replace a newer job with an older copy.
 * The lock is taken and released on the connection the step writes on, so a write Redis runs late
 * (after its command timed out) still runs before the release. Not a fence: a gateway cut off from
 * Redis past the TTL mid-step (a network split longer than 5 s) loses the lock, and its job, sent
 * before the split, may land after another gateway's newer one and replace it; BullMQ's replacing
 * add cannot be made to check the lock in the same step, as the worker's notes do (setWhileHeld).
 * The worker covers that case (BurstJobCatchUp): BullMQ stamps a job as it is sent, so the older job
 * comes due a window after the cut-off step, while the burst stays open a window after its newer
 * message; the worker reads the open burst under this lock, and a job lacking messages that no other
 * job in Redis carries is caught up with the whole burst and becomes their carrier. Not covered: an
 * older job that waits for a worker (all busy, or down) until the burst has closed.
 */
export function withBurstLock<T>(redis: Redis, prefix: string, channelId: string, authorId: string, work: () => Promise<T>): Promise<T> {
  return withRedisLock(redis, feelbotKey(prefix, 'burst-lock', channelId, authorId), () => work(), BURST_LOCK_OPTIONS);
}
