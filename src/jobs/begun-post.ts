import { ErrorCodes, errorCodeOf, FeelbotError, isFeelbotError } from '../errors.js';
import type { PostAttempt } from '../ports/delivery-ledger.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';
import { mayHavePosted } from './post-unconfirmed.js';

/**
 * A post an earlier run of this job began and never saw end, where the bot may not read the
 * history: its worker died (SIGKILL, the OOM killer, a lost host) or lost the job between
 * sending it and noting how it ended, so it may have landed, and nothing can look. Returned as
 * the ambiguous failure it is (JOB_STALLED, `mayHavePosted`), for the job to end post-unconfirmed
 * instead of posting a second time. Undefined where the history can be read (landedEarlier
 * looks there) or no post was begun.
 */
export async function unfinishedPost(
  job: Pick<ParsedMessageJob, 'readsHistory'>,
  answered: readonly string[],
  deps: Pick<MessageJobDeps, 'ledger'>,
): Promise<FeelbotError | undefined> {
  if (job.readsHistory !== false) return undefined;
  const startedAt = await deps.ledger.findBegun(answered);
  if (startedAt === undefined) return undefined;
  return new FeelbotError(ErrorCodes.JobStalled, 'An earlier run of this job began posting the reply and stopped before noting how the post ended.', {
    details: { mayHavePosted: true, startedAt },
  });
}

/**
 * Where the bot may not read the history, forgets the attempt of a post that failed in a way that
 * proves it never reached Discord (a refused connection, a refusal, a failure before sending), so
 * a retry posts it. Elsewhere the attempt stays, as what a retry looks for in the history (a DM's
 * failed post is never marked `mayHavePosted`, so there an unmarked failure proves nothing). Only
 * this run's own `attempt`: a run paused past its lock may hear of its failure after the job's new
 * holder noted its own, and a run that lost its job (JOB_LOST) forgets nothing at all.
 */
export async function forgetUnsent(
  job: Pick<ParsedMessageJob, 'readsHistory'>,
  error: unknown,
  answered: readonly string[],
  attempt: PostAttempt,
  deps: Pick<MessageJobDeps, 'ledger' | 'logger'>,
): Promise<void> {
  if (job.readsHistory !== false || mayHavePosted(error) || isFeelbotError(error, ErrorCodes.JobLost)) return;
  try {
    await deps.ledger.forgetOwnAttempt(answered, attempt);
  } catch (forgetError) {
    // The post's own failure is what the job reports; without history a retry ends post-unconfirmed, never posting twice.
    deps.logger.warn({ err: forgetError, code: errorCodeOf(forgetError) }, 'could not forget the attempt at a reply that was not sent');
  }
}
