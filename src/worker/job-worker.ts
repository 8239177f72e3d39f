import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { REPLY_QUEUE } from '../adapters/bullmq/queue-names.js';
import { untilReady } from '../adapters/bullmq/until-ready.js';
import { errorCodeOf, ErrorCodes, FeelbotError, isFeelbotError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import { rateLimitedUntil } from './rate-limit-delay.js';
import { isConnectionError } from '../adapters/redis/redis-connection-error.js';
import { withinMs } from '../time-limit.js';

/** The stalled-job check need not run more often than the lock can expire, nor less than every 30 s. */
const MAX_STALLED_INTERVAL_MS = 30_000;
/** How long a stop waits for BullMQ's close beyond the grace period, or at all when there is nothing to finish. */
const CLOSE_MARGIN_MS = 2_000;

/** Which run of its job a handler is in: 1 the first time a worker took it, more after a retry, a stall or a delay. */
export interface JobRun {
  readonly started: number;
}

/** Handles one kind of job (by BullMQ job name); `log` already carries the job and guild ids. */
export type JobHandler = (data: unknown, log: Logger, signal: AbortSignal, run: JobRun) => Promise<{ status: string; reason?: string }>;

/** Runs once when a job of its kind has failed for good (a permanent error, or its last attempt). */
export type GiveUpHandler = (data: unknown, error: unknown, log: Logger) => Promise<void>;

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
}

export interface JobWorker {
  /** Resolves once BullMQ has checked Redis on its connections; REDIS_UNAVAILABLE if that fails. */
  ready(): Promise<void>;
  /** Stops taking jobs, lets the ones in flight finish for up to `graceMs`, then aborts them. */
  stop(graceMs: number): Promise<void>;
}

/**
 * The BullMQ side of process 2. A permanent error (a malformed job, an avatar that cannot be
 * read, Discord refusing the post with a 4xx) fails the job once, without retries; a Discord rate limit delays the job without using
 * up an attempt; anything else is retried with backoff. A job BullMQ fails without running it
 * (stalled too often) is logged, counted and given up like the others.
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
  const worker = new Worker(
    options.queueName ?? REPLY_QUEUE,
    async (job: Job, token?: string) => {
      inFlight++;
      try {
        return await runJob(job, token);
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
    },
  );

  /** One job through its handler; a failure is sorted into retried, delayed, returned or given up. */
  async function runJob(job: Job, token: string | undefined) {
    const log = logger.child({ jobId: job.id, guildId: guildIdOf(job.data) });
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1_000;
    try {
      const handler = handlers[job.name];
      if (!handler) throw new FeelbotError(ErrorCodes.JobInvalid, `Unknown job type "${job.name}".`, { permanent: true });
      const outcome = await handler(job.data, log, shutdown.signal, { started: job.attemptsStarted });
      metrics.observeJob(outcome.reason ? `${outcome.status}:${outcome.reason}` : outcome.status, seconds());
      log.info({ outcome }, 'job done');
      return outcome;
    } catch (error) {
      if (shutdown.signal.aborted && token) {
        // Cut off by a shutdown, not failed: back to waiting as it was, without using up an attempt.
        await job.moveToWait(token);
        log.info('job returned to the queue at shutdown');
        throw new WaitingError();
      }
      const delayedUntil = token ? rateLimitedUntil(error, job.timestamp, Date.now()) : undefined;
      if (delayedUntil !== undefined && token) {
        const delayMs = delayedUntil - Date.now();
        await job.moveToDelayed(delayedUntil, token);
        const discord = isFeelbotError(error, ErrorCodes.DiscordRateLimited);
        metrics.observeJob(discord ? 'rate-limited' : 'delayed', seconds());
        log.info({ code: errorCodeOf(error), delayMs }, discord ? 'job delayed by a Discord rate limit' : 'job delayed until it can run');
        throw new DelayedError();
      }
      metrics.observeJob('failed', seconds());
      metrics.countFailure(errorCodeOf(error));
      const permanent = isFeelbotError(error) && error.permanent;
      const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log.warn({ err: error, code: errorCodeOf(error), attempt: job.attemptsMade + 1, final }, 'job failed');
      if (final) await giveUp(job, error, log);
      const thrown = permanent ? new UnrecoverableError(`${error.code}: ${error.message}`) : asError(error);
      processorFailures.add(thrown);
      throw thrown;
    }
  }

  // While Redis is down BullMQ reports every failed reconnect of both its connections; the
  // connection's own lost/back lines say it once (createRedis), so those go to debug.
  worker.on('error', (error) => {
    if (isConnectionError(error)) logger.debug({ err: error }, 'worker connection error');
    else logger.error({ err: error }, 'worker error');
  });
  worker.on('failed', (job, error) => {
    if (!processorFailures.has(error)) void failedWithoutRunning(job, error);
  });

  // BullMQ fails a job without calling the processor when it stalled (its worker died or hung past
  // the lock) more than maxStalledCount times; a failure around the processor (moving a job back
  // to wait or to delayed lost its lock) is told apart by its own message and code.
  async function failedWithoutRunning(job: Job | undefined, error: Error): Promise<void> {
    const stalledTooOften = /stalled more than allowable limit/i.test(error.message);
    const failure = stalledTooOften
      ? new FeelbotError(ErrorCodes.JobStalled, `The job failed without running: ${error.message}`, { cause: error, permanent: true })
      : error;
    const code = errorCodeOf(failure);
    metrics.countFailure(code);
    const log = job ? logger.child({ jobId: job.id, guildId: guildIdOf(job.data) }) : logger;
    const final = job?.finishedOn !== undefined;
    log.error({ err: error, code, jobName: job?.name, final }, stalledTooOften ? 'job failed without running: it stalled too often' : 'job failed outside its handler');
    if (job && final) await giveUp(job, failure, log);
  }

  async function giveUp(job: Job, error: unknown, log: Logger): Promise<void> {
    const handler = options.giveUp?.[job.name];
    if (!handler) return;
    try {
      await handler(job.data, error, log);
    } catch (giveUpError) {
      log.warn({ err: giveUpError, code: errorCodeOf(giveUpError) }, 'the failed job could not be answered');
    }
  }
  return {
    ready() {
      return untilReady(worker.waitUntilReady());
    },
    async stop(graceMs) {
      // With nothing in flight and Redis down there is nothing to finish: no grace period to wait.
      const idleAndCut = inFlight === 0 && connection.status !== 'ready';
      const closing = worker.close();
      const timer = setTimeout(() => shutdown.abort(), graceMs);
      try {
        // BullMQ's close waits for its blocking connection to end, which never comes while that
        // connection is between two reconnect attempts (its disconnect cancels the retry).
        await withinMs(closing, idleAndCut ? CLOSE_MARGIN_MS : graceMs + CLOSE_MARGIN_MS).catch(() => {
          logger.warn({ code: ErrorCodes.RedisUnavailable, inFlight }, 'the queue did not close cleanly');
        });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** BullMQ reads `message` off whatever is thrown; a thrown string or object becomes an Error. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error), { cause: error });
}

function guildIdOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null && 'guildId' in data ? data.guildId : undefined;
}
