import { UnrecoverableError } from 'bullmq';
import type { UnreadableJob } from '../adapters/bullmq/unreadable-job.js';
import { ErrorCodes } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';

/**
 * Fails, once and without running it, a job whose stored data or options are not JSON: no attempt
 * could read it (JOB_INVALID, logged at error). Its give-up handler does not run either: what it
 * would answer with (a /feel's interaction token, a reply's channel) is in the data it cannot read.
 * Logs the names of the unreadable fields, never their text.
 */
export function failUnreadableJob(unreadable: UnreadableJob, log: Logger, metrics: Metrics, processorFailures: WeakSet<Error>): never {
  metrics.observeJob('failed', 0);
  metrics.countFailure(ErrorCodes.JobInvalid);
  log.error({ code: ErrorCodes.JobInvalid, unreadable: unreadable.fields }, 'job failed without running: its stored data is not JSON');
  const thrown = new UnrecoverableError(`${ErrorCodes.JobInvalid}: the job's stored ${unreadable.fields.join(', ')} is not JSON.`);
  processorFailures.add(thrown);
  throw thrown;
}
