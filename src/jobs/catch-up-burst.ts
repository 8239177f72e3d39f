import { answering, contextWithout, type BurstPart } from './burst-parts.js';
import type { ParsedMessageJob } from './message-job.js';

/** One message of a burst as the gateways keep it (BurstBuffer's entries): its text, and whether it was addressed. */
export type BurstMessage = BurstPart;

/** A burst as the gateways hold it: its messages oldest first, and whether it dropped an addressed one. */
export interface HeldBurst {
  readonly entries: readonly BurstMessage[];
  readonly droppedAddressed: boolean;
}

/** The messages of `burst` (oldest first) that `job` answers neither as its own nor as its burst's. */
export function uncarriedBy(job: ParsedMessageJob, burst: readonly BurstMessage[]): BurstMessage[] {
  const carried = new Set([job.messageId, ...job.burst]);
  return burst.filter((entry) => !carried.has(entry.messageId));
}

/**
 * The job rebuilt to its burst as the gateways hold it, as foldBurst makes a burst's job: the newest
 * message is the one replied to, every message's text is folded, it is addressed if any message was
 * (or one the burst dropped), and its own context loses the burst's messages. Its place, author,
 * reply id and arrival stay; a burst with no messages leaves the job as it is.
 */
export function caughtUpBurst(job: ParsedMessageJob, burst: HeldBurst): ParsedMessageJob {
  const newest = burst.entries.at(-1);
  if (!newest) return job;
  const own = new Set(burst.entries.map((entry) => entry.messageId));
  return { ...job, ...answering(burst.entries.slice(0, -1), newest, burst.droppedAddressed), context: contextWithout(job.context, own) };
}
