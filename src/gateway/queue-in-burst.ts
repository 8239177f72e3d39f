import type { ReplyQueue } from '../ports/reply-queue.js';
import { answering, contextWithout } from '../jobs/burst-parts.js';
import { messageJobId, type MessageJob } from '../jobs/message-job.js';
import type { Burst, BurstBuffer, BurstEntry } from '../adapters/redis/redis-burst-buffer.js';
import type { BuiltMessageJob } from './build-message-job.js';
import { contextSince } from './channel-history.js';

export interface QueuedInBurst {
  /** The job that will answer this message (its own id, since the burst's newest message names the job). */
  readonly jobId: string;
  /** The burst so far; for a message delivered twice, this message alone. */
  readonly burst: Burst;
  /**
   * True when the message had been queued before (delivered twice: a resumed session, two gateways
   * during a roll-out): nothing was queued now, and `jobId` is the job that holds it.
   */
  readonly duplicate: boolean;
}

/**
 * Queues one message as the newest of its author's burst: the burst's delayed job is replaced by
 * one that reads every message so far. When that job has already left the delayed set, it can no
 * longer take this message, so the message opens a burst of its own (if a new reply may start)
 * instead of being lost. Returns undefined when a new reply may not start. One step on the burst
 * (BurstBuffer.exclusively): what it reads of the burst is still the burst when its job replaces
 * the last, whichever gateway queued that one.
 */
export function queueInBurst(
  queue: ReplyQueue,
  bursts: BurstBuffer,
  job: BuiltMessageJob,
  mayStartNewReply: (answeredBy: string) => Promise<boolean>,
): Promise<QueuedInBurst | undefined> {
  return bursts.exclusively(job.channelId, job.author.id, () => queueNewest(queue, bursts, job, mayStartNewReply));
}

async function queueNewest(
  queue: ReplyQueue,
  bursts: BurstBuffer,
  job: BuiltMessageJob,
  mayStartNewReply: (answeredBy: string) => Promise<boolean>,
): Promise<QueuedInBurst | undefined> {
  const { channelId, messageId } = job;
  const entry: BurstEntry = { messageId, content: job.content, rawContent: job.rawContent, addressed: job.addressed };
  // Its job id alone would not tell: a burst's earlier messages lose theirs to the newest message's.
  const carrier = await queue.carrierOf(messageId);
  if (carrier) return { jobId: carrier, burst: { id: messageId, entries: [entry], droppedAddressed: false }, duplicate: true };
  // The reply's start is claimed under the burst's id, which no deletion of its messages changes.
  const enqueue = (burst: Burst) => queue.enqueueDebounced({ ...foldBurst(job, burst.entries, burst.droppedAddressed), replyId: burst.id }, `burst-${burst.id}`, bursts.windowMs);
  const burst = await bursts.append(channelId, job.author.id, entry);
  const jobId = await enqueue(burst);
  if (jobId === messageJobId(messageId)) return { jobId, burst, duplicate: false };

  if (!(await mayStartNewReply(jobId))) return undefined;
  const fresh = await bursts.restart(channelId, job.author.id, entry);
  return { jobId: await enqueue(fresh), burst: fresh, duplicate: false };
}

/**
 * One job for the whole burst: every message's text, addressed if any of them was (or one the
 * burst no longer keeps, `droppedAddressed`), and the conversation before the burst's first message
 * (and between its messages) as its context.
 */
export function foldBurst(built: BuiltMessageJob, burst: readonly BurstEntry[], droppedAddressed = false): MessageJob {
  const { history, ...job } = built;
  if (burst.length <= 1) return droppedAddressed ? { ...job, addressed: true } : job;
  const earlier = burst.filter((entry) => entry.messageId !== job.messageId);
  // By id: the text in the burst has the bot's mention removed, and someone else may have said the same.
  const own = new Set(earlier.map((entry) => entry.messageId));
  const newest = { messageId: job.messageId, content: job.content, rawContent: job.rawContent, addressed: job.addressed };
  return {
    ...job,
    ...answering(earlier, newest, droppedAddressed),
    context: history ? contextSince(history, earlier[0]!.messageId, own) : contextWithout(job.context, own),
  };
}
