import type { MessageQueue } from '../adapters/bullmq/message-queue.js';
import { errorCodeOf } from '../errors.js';
import { withoutDeleted } from '../jobs/burst-parts.js';
import type { ParsedMessageJob } from '../jobs/message-job.js';
import type { DeletedMessages } from '../ports/deleted-messages.js';
import type { Logger } from '../ports/logger.js';
import type { BurstBuffer } from './burst-buffer.js';
import { retryWhileRedisDown } from './retry-while-redis-down.js';

export interface DeletionDeps {
  readonly deleted: DeletedMessages;
  readonly queue: Pick<MessageQueue, 'withdraw' | 'enqueueDebounced'>;
  readonly bursts: Pick<BurstBuffer, 'forget' | 'windowMs'>;
  readonly logger: Logger;
  /** Aborted when the gateway stops: a deletion still waiting for Redis then gives up at once. */
  readonly shutdown?: AbortSignal;
}

export interface DeletionHandler {
  (messageIds: string[]): Promise<void>;
  /** Settles once every deletion handed in has been recorded or given up. */
  drain(): Promise<void>;
}

/**
 * MESSAGE_DELETE and MESSAGE_DELETE_BULK: a deleted message is never answered, and its text
 * leaves Redis. It is marked for the worker, which checks before it writes and before it posts a
 * reply already under way; a reply job not yet started is withdrawn, text and all. When that job
 * also carried messages of the same burst that are still there, they are queued again without it.
 * Like a new message, a deletion waits for Redis to come back rather than being lost to an outage.
 */
export function createDeletionHandler(deps: DeletionDeps): DeletionHandler {
  const inFlight = new Set<Promise<void>>();
  const handle = (messageIds: string[]) => {
    const done = recordDeletion(messageIds, deps);
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
    return done;
  };
  const drain = async () => {
    while (inFlight.size > 0) await Promise.all(inFlight);
  };
  return Object.assign(handle, { drain });
}

/** Never rejects: a deletion that cannot be recorded is logged with its code. */
async function recordDeletion(messageIds: string[], deps: DeletionDeps): Promise<void> {
  // Each step is retried on its own, so a failure late on does not repeat a withdrawal and lose its job.
  const whileDown = <T>(work: () => Promise<T>) => retryWhileRedisDown(work, { signal: deps.shutdown, logger: deps.logger.child({ messageIds }) });
  try {
    await whileDown(() => deps.deleted.mark(messageIds));
    const withdrawn = await whileDown(() => deps.queue.withdraw(messageIds));
    if (withdrawn.length === 0) return;
    deps.logger.info({ messageIds, withdrawn: withdrawn.map((w) => w.jobId) }, 'withdrew replies to deleted messages');
    for (const { job, finished } of withdrawn) {
      if (job && !finished) await whileDown(() => answerTheRest(job, messageIds, deps));
    }
  } catch (error) {
    deps.logger.error({ err: error, code: errorCodeOf(error), messageIds }, 'could not record deleted messages');
  }
}

/**
 * Queues what is left of a withdrawn burst job, without the deleted messages. It keeps the
 * author's open burst (whose deleted entries are dropped) when the job was that burst's, so later
 * messages still join it.
 */
async function answerTheRest(job: ParsedMessageJob, deletedIds: readonly string[], deps: DeletionDeps): Promise<void> {
  const open = await deps.bursts.forget(job.channelId, job.author.id, deletedIds);
  const rest = withoutDeleted(job, new Set(deletedIds));
  if (!rest) return;
  const burstId = open?.entries.some((entry) => entry.messageId === rest.messageId) ? open.id : rest.messageId;
  const jobId = await deps.queue.enqueueDebounced(rest, `burst-${burstId}`, deps.bursts.windowMs);
  deps.logger.info({ jobId, burst: rest.parts.length }, 'queued the rest of a burst without its deleted messages');
}
