import type { Logger } from '../ports/logger.js';

/** What the gateway sweeps (MessageQueue.sweep): finished jobs past their retention, and its job indexes renewed. */
export interface SweepableQueue {
  sweep(): Promise<{ completed: number; failed: number }>;
}

export interface FinishedJobSweeps {
  /** Starts no more sweeps; one running goes on (drain waits for it). */
  stop(): void;
  /** Settles once the sweep running, if any, has. */
  drain(): Promise<void>;
}

/**
 * Sweeps `queue` every `everyMs`, one sweep at a time: on a backlog that takes longer than the
 * interval, a sweep falls due while the last one runs and is skipped, rather than a second one
 * cleaning and renewing the same keys beside it and adding to the load that made the first slow.
 */
export function sweepFinishedJobs(queue: SweepableQueue, logger: Logger, everyMs: number): FinishedJobSweeps {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) {
      logger.debug('the last sweep of finished jobs is still running; this one is skipped');
      return;
    }
    running = queue
      .sweep()
      .then((removed) => logger.debug(removed, 'swept finished jobs'))
      .catch((error: unknown) => logger.warn({ err: error }, 'could not sweep finished jobs'))
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    drain: async () => {
      await running;
    },
  };
}
