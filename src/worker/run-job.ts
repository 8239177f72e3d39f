import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { UnreadableJob } from '../adapters/bullmq/unreadable-job.js';
import { errorCodeOf, ErrorCodes, FeelbotError, isFeelbotError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import { cutOffByShutdown } from './cut-off-by-shutdown.js';
import { failUnreadableJob } from './fail-unreadable-job.js';
import { giveUpJob } from './give-up-job.js';
import type { GiveUpHandler, JobHandler } from './job-handler.js';
import { jobLog } from './job-log.js';
import { rateLimitedUntil } from './rate-limit-delay.js';

export interface RunJobContext {
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly giveUp: Readonly<Record<string, GiveUpHandler>> | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Aborted when the worker stops: a job cut off by it goes back to waiting. */
  readonly shutdown: AbortSignal;
  /** Gets every error the processor throws, for the worker's 'failed' event to tell apart. */
  readonly processorFailures: WeakSet<Error>;
}

/**
 * One job through its handler; a failure is sorted into returned to the queue (cut off by a
 * shutdown's abort; any other failure landing after it is sorted as below), delayed (a rate limit,
 * without using up an attempt), retried, or given up (a permanent error fails once, as
 * UnrecoverableError; so does the last attempt of any other).
 */
export async function runJob(job: Job, token: string | undefined, context: RunJobContext): Promise<{ status: string; reason?: string }> {
  const { metrics, shutdown } = context;
  const log = jobLog(context.logger, job);
  if (job.data instanceof UnreadableJob) failUnreadableJob(job.data, log, metrics, context.processorFailures);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1_000;
  try {
    const handler = context.handlers[job.name];
    if (!handler) throw new FeelbotError(ErrorCodes.JobInvalid, `Unknown job type "${job.name}".`, { permanent: true });
    const outcome = await handler(job.data, log, shutdown, { started: job.attemptsStarted });
    metrics.observeJob(outcome.reason ? `${outcome.status}:${outcome.reason}` : outcome.status, seconds());
    log.info({ outcome }, 'job done');
    return outcome;
  } catch (error) {
    if (token && cutOffByShutdown(error, shutdown)) {
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
    const permanent = isFeelbotError(error) && error.permanent;
    const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // A job fails once, when it is given up; an attempt BullMQ will retry is a retry, not a failure.
    if (final) {
      metrics.observeJob('failed', seconds());
      metrics.countFailure(errorCodeOf(error));
    } else {
      metrics.observeJob('retried', seconds());
      metrics.countRetry(errorCodeOf(error));
    }
    log.warn({ err: error, code: errorCodeOf(error), attempt: job.attemptsMade + 1, final }, 'job failed');
    if (final) await giveUpJob(context.giveUp, job, error, log);
    const thrown = permanent ? new UnrecoverableError(`${error.code}: ${error.message}`) : asError(error);
    context.processorFailures.add(thrown);
    throw thrown;
  }
}

/** BullMQ reads `message` off whatever is thrown; a thrown string or object becomes an Error. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error), { cause: error });
}
