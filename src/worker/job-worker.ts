import { MetricsTime, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { REPLY_QUEUE } from '../adapters/bullmq/queue-names.js';
import { WorkerTakingUnreadableJobs } from '../adapters/bullmq/unreadable-job.js';
import { untilReady } from '../adapters/bullmq/until-ready.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import { isConnectionError } from '../adapters/redis/redis-connection-error.js';
import { closeWorker } from './close-worker.js';
import { reportFailedOutsideHandler } from './failed-outside-handler.js';
import type { GiveUpHandler, JobHandler } from './job-handler.js';
import { forgetIfAsked } from './forget-after-run.js';
import { runJob } from './run-job.js';

export type { GiveUpHandler, JobHandler, JobRun } from './job-handler.js';

/** The stalled-job check need not run more often than the lock can expire, nor less than every 30 s. */
const MAX_STALLED_INTERVAL_MS = 30_000;
/**
 * BullMQ counts finished jobs (bullmq_job_completed_total and _failed_total on /metrics) only
 * with metrics on. Besides the two counters it keeps one number per minute per state in a capped
 * Redis list; Prometheus keeps the history, so a day of them (1,440, under 10 KB) is plenty for
 * queue dashboards that read it. Every worker of a queue must use the same value.
 */
const METRICS_DATA_POINTS = 24 * MetricsTime.ONE_HOUR;

export interface JobWorkerOptions {
  readonly concurrency: number;
  /** BullMQ renews a job's lock at half this; a dead worker's job is retried after about this long. */
  readonly lockDurationMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The queue to drain (default: the shared reply queue). */
  readonly queueName?: string;
  /** Per job name: what to do once a job of that kind will not be tried again. */
  readonly giveUp?: Readonly<Record<string, GiveUpHandler>>;
  /** Whether it takes jobs as soon as it is created; false: only after `run()`. Defaults to true. */
  readonly autorun?: boolean;
  /**
   * Whether a job that has just finished, or failed an attempt, is to leave Redis at once instead
   * of after its retention (its server removed the bot while it was being worked on). A failure
   * here is logged, and the job stays for its retention.
   */
  readonly forgetAfterRun?: (data: unknown) => Promise<boolean>;
}

export interface JobWorker {
  /** Resolves once BullMQ has checked Redis on its connections; REDIS_UNAVAILABLE if that fails. */
  ready(): Promise<void>;
  /** Starts taking jobs, for a worker created with `autorun: false`; nothing when it already does. */
  run(): void;
  /** Stops taking jobs, lets the ones in flight finish for up to `graceMs`, then aborts them. */
  stop(graceMs: number): Promise<void>;
}

/**
 * The BullMQ side of process 2. A permanent error (a malformed job, an avatar that cannot be
 * read, Discord refusing the post with a 4xx) fails the job once, without retries; a Discord rate limit delays the job without using
 * up an attempt; anything else is retried with backoff. A job BullMQ fails without running it
 * (stalled too often) is logged, counted and given up like the others; one whose stored data is
 * not JSON is failed once, without running (JOB_INVALID), and nothing is answered for it.
 */
export function createJobWorker(
  connection: Redis,
  prefix: string,
  handlers: Readonly<Record<string, JobHandler>>,
  options: JobWorkerOptions,
): JobWorker {
  const shutdown = new AbortController();
  const { logger, metrics } = options;
  // What the processor threw, so the 'failed' event can tell those from failures BullMQ made alone.
  const processorFailures = new WeakSet<Error>();
  let inFlight = 0;
  const worker = new WorkerTakingUnreadableJobs(
    options.queueName ?? REPLY_QUEUE,
    async (job: Job, token?: string) => {
      inFlight++;
      try {
        return await runJob(job, token, { handlers, giveUp: options.giveUp, logger, metrics, shutdown: shutdown.signal, processorFailures });
      } finally {
        inFlight--;
      }
    },
    {
      connection,
      prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: Math.min(options.lockDurationMs, MAX_STALLED_INTERVAL_MS),
      metrics: { maxDataPoints: METRICS_DATA_POINTS },
      autorun: options.autorun ?? true,
    },
  );

  // While Redis is down BullMQ reports every failed reconnect of both its connections; the
  // connection's own lost/back lines say it once (createRedis), so those go to debug.
  worker.on('error', (error) => {
    if (isConnectionError(error)) logger.debug({ err: error }, 'worker connection error');
    else logger.error({ err: error }, 'worker error');
  });
  worker.on('failed', (job, error) => {
    if (!processorFailures.has(error)) void reportFailedOutsideHandler(job, error, { giveUp: options.giveUp, logger, metrics });
    if (job && options.forgetAfterRun) void forgetIfAsked(job, options.forgetAfterRun, logger);
  });
  if (options.forgetAfterRun) {
    const forget = options.forgetAfterRun;
    worker.on('completed', (job) => void forgetIfAsked(job, forget, logger));
  }

  return {
    ready() {
      return untilReady(worker.waitUntilReady());
    },
    run() {
      // As BullMQ's own autorun does: its loop's failures are the worker's 'error' events.
      if (!worker.isRunning()) worker.run().catch((error: unknown) => worker.emit('error', error as Error));
    },
    stop(graceMs) {
      return closeWorker(worker, connection, { graceMs, shutdown, inFlight: () => inFlight, logger });
    },
  };
}
