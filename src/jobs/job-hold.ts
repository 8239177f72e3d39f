import type { JobLock } from '../ports/job-lock.js';

/**
 * A run's hold on its job (the worker's JobRun): false once its lock lapsed (its worker paused, or
 * cut off from Redis, longer than JOB_LOCK_MS) and another worker has taken the job or will, so the
 * run must send nothing that run would send too (a post, an answer). Asking extends the lock.
 */
export interface JobHold {
  holdsJob(): Promise<boolean>;
  /** The job's lock, for a write that must not land once the run lost it (its attempt's note); absent outside a locked run (a test, a tool, BullMQ's manual processing). */
  readonly lock?: JobLock;
  /** The job's id in its queue; absent outside a worker (a test, a tool), where the job is named after its message. */
  readonly jobId?: string;
  /** Aborted as the worker stops, once a send started now could outlast the stop (which never cuts one): no send starts after it. */
  readonly sendsClosed?: AbortSignal;
}

/** A call outside a worker (a test, a tool) always holds its job. */
export const ALWAYS_HELD: JobHold = { holdsJob: async () => true };
