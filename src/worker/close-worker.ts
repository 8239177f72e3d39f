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
  /**
   * Aborted once a send started now could outlast the close's wait (`longestSendMs` before it
   * gives up): a send is never cut, so none may start that the stop would leave running.
   */
  readonly sendsClosed: AbortController;
  /** How long a send (a post) can take once started. Defaults to 0. */
  readonly longestSendMs?: number;
  /** The ids of the jobs the worker is running now. */
  readonly inFlight: () => readonly string[];
  readonly logger: Logger;
}

/**
 * Stops the worker taking jobs and waits for its close: the jobs in flight get `graceMs` to finish,
 * then are aborted; a close that does not come in time is logged, not thrown: JOBS_UNFINISHED
 * naming the jobs still running while Redis answers, REDIS_UNAVAILABLE otherwise.
 */
export async function closeWorker(worker: Worker, connection: Redis, { graceMs, shutdown, sendsClosed, longestSendMs = 0, inFlight, logger }: CloseWorkerOptions): Promise<void> {
  // With nothing in flight and Redis down there is nothing to finish: no grace period to wait.
  const idleAndCut = inFlight().length === 0 && connection.status !== 'ready';
  const closing = worker.close();
  const closeMs = idleAndCut ? CLOSE_MARGIN_MS : graceMs + CLOSE_MARGIN_MS;
  const timers = [
    setTimeout(() => shutdown.abort(), graceMs),
    setTimeout(() => sendsClosed.abort(sendsClosedReason()), Math.max(0, closeMs - longestSendMs)),
  ];
  try {
    // BullMQ's close waits for its blocking connection to end, which never comes while that
    // connection is between two reconnect attempts (its disconnect cancels the retry).
    await withinMs(closing, closeMs).catch(() => {
      const jobIds = inFlight();
      if (jobIds.length > 0 && connection.status === 'ready') {
        logger.warn({ code: ErrorCodes.JobsUnfinished, jobIds }, 'the worker stopped with jobs still running; the stalled-job check will retry them');
      } else {
        logger.warn({ code: ErrorCodes.RedisUnavailable, jobIds }, 'the queue did not close cleanly');
      }
    });
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

/** Why a send is not started: the worker stops before it could finish. */
function sendsClosedReason(): Error {
  return new Error('The worker is stopping: a send started now could outlast its stop.');
}
