import type { MessageQueue } from '../adapters/bullmq/message-queue.js';
import type { MessageJob } from '../jobs/message-job.js';
import type { DeletedMessages } from '../ports/deleted-messages.js';
import type { Logger } from '../ports/logger.js';
import type { BurstBuffer } from './burst-buffer.js';
import { foldBurst } from './queue-in-burst.js';

export interface DeletionDeps {
  readonly deleted: DeletedMessages;
  readonly queue: Pick<MessageQueue, 'withdraw' | 'enqueueDebounced'>;
  readonly bursts: Pick<BurstBuffer, 'forget' | 'windowMs'>;
  readonly logger: Logger;
}

/**
 * MESSAGE_DELETE and MESSAGE_DELETE_BULK: a deleted message is never answered, and its text
 * leaves Redis. It is marked for the worker, which checks before it writes and before it posts a
 * reply already under way; a reply job not yet started is withdrawn, text and all. When that job
 * also carried messages of the same burst that are still there, they are queued again without it.
 */
export function createDeletionHandler(deps: DeletionDeps): (messageIds: string[]) => Promise<void> {
  return async (messageIds) => {
    try {
      await deps.deleted.mark(messageIds);
      const withdrawn = await deps.queue.withdraw(messageIds);
      if (withdrawn.length === 0) return;
      deps.logger.info({ messageIds, withdrawn: withdrawn.map((w) => w.jobId) }, 'withdrew replies to deleted messages');
      for (const { job } of withdrawn) await answerTheRest(job, messageIds, deps);
    } catch (error) {
      deps.logger.warn({ err: error, messageIds }, 'could not record deleted messages');
    }
  };
}

/** Takes the deleted messages out of the job's burst and queues what is left as one reply, as before. */
async function answerTheRest(job: MessageJob, deletedIds: readonly string[], deps: DeletionDeps): Promise<void> {
  const rest = await deps.bursts.forget(job.channelId, job.author.id, deletedIds);
  if (!rest) return;
  const newest = rest.entries.at(-1)!;
  const deleted = new Set(deletedIds);
  const requeued = foldBurst(
    {
      ...job,
      messageId: newest.messageId,
      content: newest.content,
      addressed: newest.addressed,
      burst: [],
      context: job.context.filter((message) => message.messageId === undefined || !deleted.has(message.messageId)),
    },
    rest.entries,
  );
  const jobId = await deps.queue.enqueueDebounced(requeued, `burst-${rest.id}`, deps.bursts.windowMs);
  deps.logger.info({ jobId, burst: rest.entries.length }, 'queued the rest of a burst without its deleted messages');
}
