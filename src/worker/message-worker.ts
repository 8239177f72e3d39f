import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { REPLY_QUEUE } from '../adapters/bullmq/queue-names.js';
import { errorCodeOf, isFeelbotError } from '../errors.js';
import { handleMessageJob, type MessageJobDeps } from '../jobs/handle-message-job.js';

/** A generation can run long; BullMQ renews the lock at half this interval while the worker lives. */
const LOCK_DURATION_MS = 60_000;
/** How soon a job held by a dead worker is handed to another one. */
const STALLED_INTERVAL_MS = 15_000;

/**
 * The BullMQ side of process 2. Concurrency equals the generator's parallelism, so each job in
 * flight has its own context sequence. A permanent error (malformed job, missing persona file)
 * fails the job once, without retries.
 */
export interface MessageWorker {
  readonly worker: Worker;
  /** Stops taking jobs, lets the ones in flight finish for up to `graceMs`, then aborts them. */
  stop(graceMs: number): Promise<void>;
}

export function createMessageWorker(connection: Redis, prefix: string, deps: MessageJobDeps): MessageWorker {
  const shutdown = new AbortController();
  const worker = new Worker(
    REPLY_QUEUE,
    async (job: Job) => {
      const log = deps.logger.child({ jobId: job.id, guildId: guildIdOf(job.data) });
      const started = performance.now();
      try {
        const outcome = await handleMessageJob(job.data, { ...deps, logger: log }, shutdown.signal);
        deps.metrics.observeJob(outcome.status === 'posted' ? 'posted' : `skipped:${outcome.reason}`, (performance.now() - started) / 1_000);
        log.info({ outcome }, 'job done');
        return outcome;
      } catch (error) {
        deps.metrics.observeJob('failed', (performance.now() - started) / 1_000);
        deps.metrics.countFailure(errorCodeOf(error));
        log.warn({ err: error, code: errorCodeOf(error), attempt: job.attemptsMade + 1 }, 'job failed');
        if (isFeelbotError(error) && error.permanent) throw new UnrecoverableError(`${error.code}: ${error.message}`);
        throw error;
      }
    },
    {
      connection,
      prefix,
      concurrency: deps.generator.parallelism,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      autorun: true,
    },
  );
  worker.on('error', (error) => deps.logger.error({ err: error }, 'worker error'));
  return {
    worker,
    async stop(graceMs) {
      const closing = worker.close();
      const timer = setTimeout(() => shutdown.abort(), graceMs);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function guildIdOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null && 'guildId' in data ? data.guildId : undefined;
}
