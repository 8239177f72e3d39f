import type { Emotion } from '../domain/emotions.js';
import { errorCodeOf, isFeelbotError, type FeelbotError } from '../errors.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { MessageJobOutcome } from './message-job-outcome.js';
import type { ParsedMessageJob } from './message-job.js';

/** What the ledger notes as the reply of a post that may have landed: its message id is unknown. */
const UNCONFIRMED_REPLY = 'unconfirmed';

/**
 * True when the post failed without Discord saying it did not post (the replier marks such an
 * error `mayHavePosted`) where the bot may not read the history, so no retry could find it there.
 */
export function isUnconfirmedPost(job: Pick<ParsedMessageJob, 'readsHistory'>, error: unknown): error is FeelbotError {
  return job.readsHistory === false && mayHavePosted(error);
}

/** True when the post failed without Discord saying it did not post; any other failure proves nothing was sent. */
export function mayHavePosted(error: unknown): error is FeelbotError {
  return isFeelbotError(error) && error.details.mayHavePosted === true;
}

/**
 * Ends the job without posting again, so the reply appears at most once, not twice; noted as
 * answered, so no later job for these messages posts it either.
 */
export async function endUnconfirmed(
  error: FeelbotError,
  answered: readonly string[],
  emotion: Emotion | undefined,
  deps: Pick<MessageJobDeps, 'ledger' | 'logger'>,
): Promise<MessageJobOutcome> {
  deps.logger.warn(
    { err: error, code: error.code, reason: 'post-unconfirmed' },
    "the reply may have been posted and this channel's history cannot be read to check: it is not posted again",
  );
  try {
    await deps.ledger.record(answered, UNCONFIRMED_REPLY);
  } catch (recordError) {
    // The job still ends here: a retry is exactly what would post the reply twice.
    deps.logger.warn({ err: recordError, code: errorCodeOf(recordError) }, 'could not note the unconfirmed reply as answered');
  }
  return { status: 'skipped', reason: 'post-unconfirmed', ...(emotion ? { emotion } : {}) };
}
