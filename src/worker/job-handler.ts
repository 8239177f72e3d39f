import type { Logger } from '../ports/logger.js';

/** Which run of its job a handler is in, and whether that run still holds the job. */
export interface JobRun {
  /** 1 the first time a worker took the job, more after a retry, a stall or a delay. */
  readonly started: number;
  /**
   * Whether this run still holds its job's lock, extending it when it does. False once the lock
   * lapsed (its worker paused, or cut off from Redis, longer than JOB_LOCK_MS): another worker has
   * taken the job or will, so the run must send nothing that run would send too (a post, an answer).
   * The run's signal is aborted then as well.
   */
  holdsJob(): Promise<boolean>;
}

/**
 * Handles one kind of job (by BullMQ job name); `log` already carries the job and guild ids.
 * `signal` aborts at the worker's shutdown, and once the run has lost its job to another worker.
 */
export type JobHandler = (data: unknown, log: Logger, signal: AbortSignal, run: JobRun) => Promise<{ status: string; reason?: string }>;

/** Runs once when a job of its kind has failed for good (a permanent error, or its last attempt). */
export type GiveUpHandler = (data: unknown, error: unknown, log: Logger) => Promise<void>;
