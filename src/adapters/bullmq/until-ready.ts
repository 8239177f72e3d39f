import { ErrorCodes, FeelbotError } from '../../errors.js';
import { withinMs } from '../../time-limit.js';

/** How long a start-up waits for BullMQ's check of Redis. */
const READY_DEADLINE_MS = 10_000;

/**
 * Waits for BullMQ's check of Redis on a queue's or worker's connections (`waitUntilReady()`).
 * BullMQ makes that check once and keeps its outcome: a queue whose check met Redis going away
 * would fail every later command until the process restarts, so a process takes work only after
 * it passed. REDIS_UNAVAILABLE when it failed or took longer than `deadlineMs`.
 */
export async function untilReady(waiting: Promise<unknown>, deadlineMs = READY_DEADLINE_MS): Promise<void> {
  try {
    await withinMs(waiting, deadlineMs);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new FeelbotError(ErrorCodes.RedisUnavailable, `The job queue could not start on Redis (${reason}).`, { cause, userFacing: true });
  }
}
