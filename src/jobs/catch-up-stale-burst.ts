import type { Logger } from '../ports/logger.js';
import type { BurstCatchUp } from '../ports/burst-catch-up.js';
import { answeredBy } from './conversation-state.js';
import type { ParsedMessageJob } from './message-job.js';

/**
 * The job as its run answers it: a burst's job that a stale copy of the burst replaced (BurstCatchUp)
 * answers the whole burst as the gateways hold it; any other job, or one handled where no gateway
 * keeps bursts, as queued. A job without a burst id asks nothing.
 */
export async function catchUpStaleBurst(queued: ParsedMessageJob, jobId: string, deps: { readonly bursts?: BurstCatchUp; readonly logger: Logger }): Promise<ParsedMessageJob> {
  if (!deps.bursts || queued.replyId === undefined) return queued;
  const caughtUp = await deps.bursts.catchUp(jobId, queued);
  if (!caughtUp) return queued;
  const carried = new Set(answeredBy(queued));
  const added = answeredBy(caughtUp).filter((messageId) => !carried.has(messageId));
  deps.logger.info({ event: 'BURST_CAUGHT_UP', jobId, burstId: queued.replyId, messageId: caughtUp.messageId, caughtUp: added }, 'a stale burst job was caught up with its burst');
  return caughtUp;
}
