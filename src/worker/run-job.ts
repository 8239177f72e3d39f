import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { UnreadableJob } from '../adapters/bullmq/unreadable-job.js';
import { errorCodeOf, ErrorCodes, FeelbotError, isFeelbotError } from '../errors.js';
import type { JobLock } from '../ports/job-lock.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import { cutOffByShutdown } from './cut-off-by-shutdown.js';
import { endLostRun } from './end-lost-run.js';
import { failUnreadableJob } from './fail-unreadable-job.js';
import { giveUpJob } from './give-up-job.js';
import type { GiveUpHandler, JobHandler } from './job-handler.js';
import { jobLog } from './job-log.js';
import type { LostJobProbe } from './lost-job-cause.js';
import { rateLimitedUntil } from './rate-limit-delay.js';

export interface RunJobContext {
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly giveUp: Readonly<Record<string, GiveUpHandler>> | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Aborted when the worker stops: a job cut off by it goes back to waiting. */
  readonly shutdown: AbortSignal;
  /** Aborted as the worker stops, once a send started now could outlast its stop: a send not started by then goes back to waiting. */
  readonly sendsClosed?: AbortSignal;
  /** Gets every error the processor throws, for the worker's 'failed' event to tell apart. */
  readonly processorFailures: WeakSet<Error>;
  /** How long the job's lock lasts; `holdsJob` extends it by this much. */
  readonly lockDurationMs: number;
  /**
   * This run's own: aborted (with JOB_LOST) once the run lost the job's lock, by BullMQ's failed
   * renewal or by `holdsJob`. Never by a shutdown, so a lost run is never put back in the queue.
   */
  readonly lockLoss: AbortController;
  /** Tells a run that lost its job whether the job was taken over or vanished with Redis's data; without it, taken over. */
  readonly lostJobs?: LostJobProbe;
}

/**
 * One job through its handler; a failure is sorted into left to another worker (this run lost the
 * job's lock: whatever it threw), returned to the queue (cut off by a shutdown's abort; any other
 * failure landing after it is sorted as below), delayed (a rate limit, without using up an
 * attempt), retried, or given up (a permanent error fails once, as UnrecoverableError; so does the
 * last attempt of any other).
 */
export async function runJob(job: Job, token: string | undefined, context: RunJobContext): Promise<{ status: string; reason?: string }> {
  const { metrics, shutdown, lockLoss } = context;
  const log = jobLog(context.logger, job);
  if (job.data instanceof UnreadableJob) failUnreadableJob(job.data, log, metrics, context.processorFailures);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1_000;
  const run = { started: job.attemptsStarted, holdsJob: () => holdsJob(job, token, context), lock: lockOf(job, token), jobId: job.id, sendsClosed: context.sendsClosed };
  // Not awaited: only a run that loses its job needs it, and Redis answers it before the run's own commands.
  const dataMark = context.lostJobs?.dataMark().catch(() => undefined);
  const lost = { job, probe: context.lostJobs, dataMark, giveUp: context.giveUp, log, metrics };
  let outcome: { status: string; reason?: string };
  try {
    const handler = context.handlers[job.name];
    if (!handler) throw new FeelbotError(ErrorCodes.JobInvalid, `Unknown job type "${job.name}".`, { permanent: true });
    outcome = await handler(job.data, log, AbortSignal.any([shutdown, lockLoss.signal]), run);
  } catch (error) {
    if (lockLoss.signal.aborted || isFeelbotError(error, ErrorCodes.JobLost)) await endLostRun(lost, seconds(), error);
    if (token && cutOffByShutdown(error, shutdown, context.sendsClosed)) {
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
  // Its end could not be noted without the lock: the run that holds the job now ends it.
  if (lockLoss.signal.aborted) await endLostRun(lost, seconds(), undefined, outcome);
  metrics.observeJob(outcome.reason ? `${outcome.status}:${outcome.reason}` : outcome.status, seconds());
  log.info({ outcome }, 'job done');
  return outcome;
}

/**
 * True while `token` still holds the job's lock, which it extends (BullMQ's extendLock answers 1
 * only then); false, with the run's signal aborted, once the lock lapsed or another worker's token
 * holds it. A run without a token (BullMQ's manual processing) has no lock to lose.
 */
async function holdsJob(job: Job, token: string | undefined, { lockLoss, lockDurationMs }: RunJobContext): Promise<boolean> {
  if (lockLoss.signal.aborted) return false;
  if (!token || (await job.extendLock(token, lockDurationMs)) === 1) return true;
  lockLoss.abort(jobLost(job.id));
  return false;
}

/** The job's lock as BullMQ keeps it (the key its extendLock checks) and this run's token; none without a token. */
function lockOf(job: Job, token: string | undefined): JobLock | undefined {
  return token && job.id ? { key: `${job.queueQualifiedName}:${job.id}:lock`, token } : undefined;
}

/** Why a run's signal aborts once it lost its job: nothing it sends now would be its own to send. */
export function jobLost(jobId: string | undefined): FeelbotError {
  return new FeelbotError(ErrorCodes.JobLost, `This run no longer holds job ${jobId ?? ''}: its lock lapsed, and another worker has the job or will.`, {
    details: { jobId },
  });
}

/** BullMQ reads `message` off whatever is thrown; a thrown string or object becomes an Error. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error), { cause: error });
}
