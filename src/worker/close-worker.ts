import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { ErrorCodes } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { withinMs } from '../time-limit.js';

/** How long a stop waits for BullMQ's close beyond the grace period, or at all when there is nothing to finish. */
const CLOSE_MARGIN_MS = 2_000;

export interface CloseWorkerOptions {
  /** How long the jobs in flight may finish before `shutdown` aborts them. */
  readonly graceMs: number;
  /** Aborted once the grace period is over. */
  readonly shutdown: AbortController;
  /** Jobs the worker is running now. */
  readonly inFlight: () => number;
  readonly logger: Logger;
}

/**
 * Stops the worker taking jobs and waits for its close: the jobs in flight get `graceMs` to finish,
 * then are aborted; a close that does not come in time is logged (REDIS_UNAVAILABLE), not thrown.
 */
export async function closeWorker(worker: Worker, connection: Redis, { graceMs, shutdown, inFlight, logger }: CloseWorkerOptions): Promise<void> {
  // With nothing in flight and Redis down there is nothing to finish: no grace period to wait.
  const idleAndCut = inFlight() === 0 && connection.status !== 'ready';
  const closing = worker.close();
  const timer = setTimeout(() => shutdown.abort(), graceMs);
  try {
    // BullMQ's close waits for its blocking connection to end, which never comes while that
    // connection is between two reconnect attempts (its disconnect cancels the retry).
    await withinMs(closing, idleAndCut ? CLOSE_MARGIN_MS : graceMs + CLOSE_MARGIN_MS).catch(() => {
      logger.warn({ code: ErrorCodes.RedisUnavailable, inFlight: inFlight() }, 'the queue did not close cleanly');
    });
  } finally {
    clearTimeout(timer);
  }
}
