import type { Logger } from '../ports/logger.js';

/** Which run of its job a handler is in: 1 the first time a worker took it, more after a retry, a stall or a delay. */
export interface JobRun {
  readonly started: number;
}

/** Handles one kind of job (by BullMQ job name); `log` already carries the job and guild ids. */
export type JobHandler = (data: unknown, log: Logger, signal: AbortSignal, run: JobRun) => Promise<{ status: string; reason?: string }>;

/** Runs once when a job of its kind has failed for good (a permanent error, or its last attempt). */
export type GiveUpHandler = (data: unknown, error: unknown, log: Logger) => Promise<void>;
