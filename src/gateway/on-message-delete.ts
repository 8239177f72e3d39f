import type { ReplyQueue, WithdrawnJob } from '../ports/reply-queue.js';
import { errorCodeOf } from '../errors.js';
import type { DeletedMessages } from '../ports/deleted-messages.js';
import type { Logger } from '../ports/logger.js';
import type { BurstBuffer } from '../adapters/redis/redis-burst-buffer.js';
import { withTextsOf } from '../jobs/burst-parts.js';
import { messageJobId } from '../jobs/message-job.js';
import { retryWhileRedisDown } from './retry-while-redis-down.js';
import { drainable, type Drainable } from './drainable.js';

export interface DeletionDeps {
  readonly deleted: DeletedMessages;
  readonly queue: Pick<ReplyQueue, 'withdraw' | 'settle' | 'enqueueRest' | 'unquote'>;
  readonly bursts: Pick<BurstBuffer, 'forget' | 'windowMs'>;
  readonly logger: Logger;
  /** Aborted when the gateway stops: a deletion still waiting for Redis then gives up at once. */
  readonly shutdown?: AbortSignal;
}

/** Settles, on drain, once every deletion handed in has been handled or given up. */
export type DeletionHandler = Drainable<string[]>;

/**
 * MESSAGE_DELETE and MESSAGE_DELETE_BULK: a deleted message is never answered, and its text
 * leaves Redis. It is marked for the worker, which checks before it writes and before it posts a
 * reply already under way; a reply job not yet started is withdrawn, text and all. When that job
 * also carried messages of the same burst that are still there, they are queued again without it.
 * Other people's reply jobs that quote it as context, waiting or done, are rewritten without it.
 * Like a new message, a deletion waits for Redis to come back rather than being lost to an outage.
 */
export function createDeletionHandler(deps: DeletionDeps): DeletionHandler {
  return drainable((messageIds: string[]) => recordDeletion(messageIds, deps));
}

/** Never rejects: a deletion that cannot be recorded is logged with its code. */
async function recordDeletion(messageIds: string[], deps: DeletionDeps): Promise<void> {
  // Each step is retried on its own, and each is safe to repeat: a withdrawal Redis ran but never
  // answered keeps the rest of its job until that rest is queued again (ReplyQueue.settle).
  const whileDown = <T>(work: () => Promise<T>) => retryWhileRedisDown(work, { signal: deps.shutdown, logger: deps.logger.child({ messageIds }) });
  try {
    await whileDown(() => deps.deleted.mark(messageIds));
    const withdrawn = await whileDown(() => deps.queue.withdraw(messageIds));
    const unquoted = await whileDown(() => deps.queue.unquote(messageIds));
    if (unquoted.length > 0) deps.logger.info({ messageIds, unquoted }, 'took deleted messages out of the context of other replies');
    if (withdrawn.length === 0) return;
    deps.logger.info({ messageIds, withdrawn: withdrawn.map((w) => w.jobId) }, 'withdrew replies to deleted messages');
    for (const withdrawal of withdrawn) {
      if (!withdrawal.burst) continue;
      await whileDown(() => answerTheRest(withdrawal, messageIds, deps));
      await whileDown(() => deps.queue.settle(withdrawal.jobId));
    }
  } catch (error) {
    deps.logger.error({ err: error, code: errorCodeOf(error), messageIds }, 'could not record deleted messages');
  }
}

/**
 * Queues what is left of a withdrawn burst job, without the deleted messages. While the author's
 * burst is still open, the rest is queued under its id, so later messages still join it; the
 * burst's id is the message that opened it, which may be gone (deleted earlier, or dropped from a
 * burst longer than MAX_BURST_MESSAGES), so the burst is told by the messages it holds. When a
 * newer message has joined the burst since the job was read, its job already holds the burst's id
 * and carries the rest: the queue keeps it (enqueueRest), and its own check for deletions drops any
 * deleted text.
 */
async function answerTheRest(withdrawal: WithdrawnJob, deletedIds: readonly string[], deps: DeletionDeps): Promise<void> {
  const { rest, burst } = withdrawal;
  if (!burst) return;
  const open = await deps.bursts.forget(burst.channelId, burst.authorId, deletedIds);
  if (!rest) return;
  const carried = new Set([rest.messageId, ...rest.burst]);
  // A message belongs to one burst only: an open burst that still holds one of the rest's messages is the job's.
  const sameBurst = open !== undefined && open.entries.some((entry) => carried.has(entry.messageId));
  // An edit made while the job was out of the queue reached the open burst but no job: its text is taken from there.
  const current = sameBurst ? withTextsOf(rest, open.entries) : rest;
  const burstId = sameBurst ? `burst-${open.id}` : (burst.queuedUnder ?? `burst-${rest.messageId}`);
  const jobId = await deps.queue.enqueueRest(current, burstId, deps.bursts.windowMs);
  if (jobId !== messageJobId(current.messageId)) {
    deps.logger.info({ jobId: withdrawal.jobId, carriedBy: jobId }, 'the rest of a burst is carried by its newer job');
    return;
  }
  deps.logger.info({ jobId, burst: current.parts.length }, 'queued the rest of a burst without its deleted messages');
}
