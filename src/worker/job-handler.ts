import type { JobHold } from '../jobs/job-hold.js';
import type { Logger } from '../ports/logger.js';

/** Which run of its job a handler is in, and whether that run still holds the job (its signal is aborted once it does not). */
export interface JobRun extends JobHold {
  /** 1 the first time a worker took the job, more after a retry, a stall or a delay. */
  readonly started: number;
}

/**
 * Handles one kind of job (by BullMQ job name); `log` already carries the job and guild ids.
 * `signal` aborts at the worker's shutdown, and once the run has lost its job to another worker.
 */
export type JobHandler = (data: unknown, log: Logger, signal: AbortSignal, run: JobRun) => Promise<{ status: string; reason?: string }>;

/** Runs once when a job of its kind has failed for good (a permanent error, or its last attempt). */
export type GiveUpHandler = (data: unknown, error: unknown, log: Logger) => Promise<void>;
