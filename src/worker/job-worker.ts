import { DelayedError, MetricsTime, WaitingError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { REPLY_QUEUE } from '../adapters/bullmq/queue-names.js';
import { WorkerTakingUnreadableJobs } from '../adapters/bullmq/unreadable-job.js';
import { untilReady } from '../adapters/bullmq/until-ready.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import { isConnectionError } from '../adapters/redis/redis-connection-error.js';
import { ErrorCodes } from '../errors.js';
import { closeWorker } from './close-worker.js';
import { reportFailedOutsideHandler } from './failed-outside-handler.js';
import type { GiveUpHandler, JobHandler } from './job-handler.js';
import { forgetIfAsked } from './forget-after-run.js';
import { lostJobProbe } from './lost-job-cause.js';
import { jobLost, runJob } from './run-job.js';
import { UnnotedEnds } from './unnoted-ends.js';

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
/** BullMQ's 'error' for a job whose lock it could not renew (LockManager). */
const LOCK_NOT_RENEWED = /^could not renew lock for job /;
/** BullMQ's 'error' for a job moved (completed, failed) by a token that no longer holds its lock (Scripts.finishedErrors). */
const LOCK_MISSING = /^(Missing lock for job |Lock mismatch for job )/;
/** What a run throws for BullMQ to leave its job where the run put it (back in the queue, delayed): no end of it is noted. */
const BULLMQ_NO_END = new Set([WaitingError.name, DelayedError.name]);

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
  /** How long a send (a post, which a stop never cuts) can take once started; a stopping worker starts none that could outlast its stop. Defaults to 0. */
  readonly longestSendMs?: number;
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
 * read, Discord refusing the post with a 4xx) fails the job once, without retries; a Discord rate
 * limit, or a post that timed out and may still land, delays the job without using up an attempt;
 * anything else is retried with backoff. A job BullMQ fails without running it
 * (stalled too often) is logged, counted and given up like the others; one whose stored data is
 * not JSON is failed once, without running (JOB_INVALID), and nothing is answered for it. A run
 * whose lock lapsed (its worker paused past JOB_LOCK_MS) is aborted and left to the worker that
 * holds the job now (JOB_LOST, at warn), neither failed, retried, given up nor put back; one whose
 * job vanished with the rest of Redis's data (a restart without AOF) ends the same way, at error
 * (REDIS_DATA_LOST), since no worker holds it, except that a /feel is then given up, its asker told
 * it failed. A run whose job left Redis after it ended, before
 * BullMQ could note its end, is told of once the same way (UnnotedEnds).
 */
export function createJobWorker(
  connection: Redis,
  prefix: string,
  handlers: Readonly<Record<string, JobHandler>>,
  options: JobWorkerOptions,
): JobWorker {
  const shutdown = new AbortController();
  const sendsClosed = new AbortController();
  const { logger, metrics } = options;
  // What the processor threw, so the 'failed' event can tell those from failures BullMQ made alone.
  const processorFailures = new WeakSet<Error>();
  // Each run's lock-loss abort, by job id as BullMQ reports a failed renewal (its keys: the jobs in
  // flight): a worker paused past the lock may hold an old run of a job beside the run it took again since.
  const lockLosses = new Map<string, Set<AbortController>>();
  const worker = new WorkerTakingUnreadableJobs(
    options.queueName ?? REPLY_QUEUE,
    async (job: Job, token?: string) => {
      const jobId = job.id ?? '';
      const lockLoss = new AbortController();
      const runsOfJob = lockLosses.get(jobId) ?? new Set<AbortController>();
      lockLosses.set(jobId, runsOfJob.add(lockLoss));
      // Read once, as the run starts: the run asks it if it loses its job, BullMQ's noting of the run's end if the job is gone by then.
      const dataMark = lostJobs.dataMark().catch(() => undefined);
      try {
        const context = { handlers, giveUp: options.giveUp, logger, metrics, shutdown: shutdown.signal, sendsClosed: sendsClosed.signal, processorFailures, lockDurationMs: options.lockDurationMs, lockLoss, lostJobs: { ...lostJobs, dataMark: () => dataMark } };
        const outcome = await runJob(job, token, context);
        unnotedEnds.ended(jobId, dataMark);
        return outcome;
      } catch (error) {
        // BullMQ notes no end for a run put back in the queue or delayed.
        if (!(error instanceof Error && BULLMQ_NO_END.has(error.name))) unnotedEnds.ended(jobId, dataMark);
        throw error;
      } finally {
        runsOfJob.delete(lockLoss);
        if (runsOfJob.size === 0) lockLosses.delete(jobId);
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

  const lostJobs = lostJobProbe(connection, prefix, (jobId) => worker.toKey(jobId));
  const unnotedEnds = new UnnotedEnds(lostJobs, logger);

  // While Redis is down BullMQ reports every failed reconnect of both its connections; the
  // connection's own lost/back lines say it once (createRedis), so those go to debug.
  worker.on('error', (error) => {
    if (isConnectionError(error)) logger.debug({ err: error }, 'worker connection error');
    // Also reported as 'lockRenewalFailed', whose run says it once, at warn, as it ends.
    else if (LOCK_NOT_RENEWED.test(error.message)) logger.debug({ err: error }, 'worker lock renewal failed');
    // The run's end could not be noted: the job's keys left Redis after its handler finished.
    else if (unnotedEnds.report(error)) return;
    // The run's end could not be noted: its lock lapsed after its last check, and the worker holding the job now ends it.
    else if (LOCK_MISSING.test(error.message)) logger.warn({ err: error, code: ErrorCodes.JobLost }, 'a job lost its lock before its end was noted');
    else logger.error({ err: error }, 'worker error');
  });
  // BullMQ goes on with a run whose lock it could not renew: its signal stops it (a generation, a wait for a lock).
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const jobId of jobIds) for (const lockLoss of lockLosses.get(jobId) ?? []) lockLoss.abort(jobLost(jobId));
  });
  worker.on('failed', (job, error) => {
    unnotedEnds.noted(job?.id);
    if (!processorFailures.has(error)) void reportFailedOutsideHandler(job, error, { giveUp: options.giveUp, logger, metrics });
    if (job && options.forgetAfterRun) void forgetIfAsked(job, options.forgetAfterRun, logger);
  });
  worker.on('completed', (job) => unnotedEnds.noted(job.id));
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
      const inFlightIds = () => [...lockLosses.keys()];
      return closeWorker(worker, connection, { graceMs, shutdown, sendsClosed, longestSendMs: options.longestSendMs, inFlight: inFlightIds, logger });
    },
  };
}
