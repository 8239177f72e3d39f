import type { Job } from 'bullmq';
import { errorCodeOf, ErrorCodes, FeelbotError } from '../errors.js';
import { giveUpReply } from '../jobs/give-up-reply.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import { giveUpJob } from './give-up-job.js';
import type { GiveUpHandler } from './job-handler.js';
import { jobLog } from './job-log.js';

export interface FailedOutsideHandlerContext {
  readonly giveUp: Readonly<Record<string, GiveUpHandler>> | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Logs, counts and, when BullMQ will not try it again, gives up a job that failed without its
 * handler failing. BullMQ fails a job without calling the processor when it stalled (its worker
 * died or hung past the lock) more than maxStalledCount times (JOB_STALLED); a failure around the
 * processor (moving a job back to wait or to delayed lost its lock) keeps its own message and code.
 * A job whose give-up logs it at error level itself (a reply's) is logged here at warn, as runJob
 * does, so that the operator sees one error per reply given up.
 */
export async function reportFailedOutsideHandler(job: Job | undefined, error: Error, context: FailedOutsideHandlerContext): Promise<void> {
  const stalledTooOften = /stalled more than allowable limit/i.test(error.message);
  const failure = stalledTooOften
    ? new FeelbotError(ErrorCodes.JobStalled, `The job failed without running: ${error.message}`, { cause: error, permanent: true })
    : error;
  const code = errorCodeOf(failure);
  const final = job?.finishedOn !== undefined;
  // A job BullMQ runs again (its lock was lost while moving it) is a retry, not a failure, as in runJob.
  if (final || !job) context.metrics.countFailure(code);
  else context.metrics.countRetry(code);
  const log = job ? jobLog(context.logger, job) : context.logger;
  const level = final && job && reportedByGiveUp(context.giveUp, job.name) ? 'warn' : 'error';
  log[level]({ err: error, code, jobName: job?.name, final }, stalledTooOften ? 'job failed without running: it stalled too often' : 'job failed outside its handler');
  if (job && final) await giveUpJob(context.giveUp, job, failure, log);
}

/** Only the reply's give-up reports the failure at error level; the analysis' answers the user instead. */
function reportedByGiveUp(handlers: FailedOutsideHandlerContext['giveUp'], jobName: string): boolean {
  return handlers?.[jobName] === giveUpReply;
}
