import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { withEdited } from '../../jobs/burst-parts.js';
import { MessageJobSchema, type MessageText } from '../../jobs/message-job.js';
import { readJob } from './read-job.js';
import { rewriteJobData } from './rewrite-job-data.js';

/** Where a job waits for a worker (or for its burst window to close); BullMQ's names. */
const WAITING_STATES: ReadonlySet<string> = new Set(['delayed', 'waiting', 'prioritized', 'waiting-children']);

/**
 * Puts an edited message's new text into `jobId`, the message's carrier, while that job waits (in
 * its burst window, or for a worker). Returns the job's id, or undefined when it no longer waits:
 * its reply is under way or done (also when a worker took the job while it was being updated: that
 * worker answers the text it read), a deletion took it out, or its stored data cannot be read (a
 * worker fails it as JOB_INVALID).
 */
export async function reviseWaitingJob(queue: Queue, connection: Redis, jobId: string, messageId: string, text: MessageText): Promise<string | undefined> {
  const job = await readJob(queue, jobId);
  if (!job || job.name !== 'reply' || !WAITING_STATES.has(await job.getState())) return undefined;
  // A job read with a field that is not JSON (readJob) is left for the worker to fail.
  if (!MessageJobSchema.safeParse(job.data).success) return undefined;
  // Over the data it was computed from only: a deletion's rewrite of the job's context in between is never undone.
  const revised = await rewriteJobData(connection, queue.toKey(jobId), (data) => {
    const parsed = MessageJobSchema.safeParse(data);
    return parsed.success ? withEdited(parsed.data, messageId, text) : undefined;
  });
  if (!revised) return undefined;
  // A worker that took the job between the check and the update answers the text it read.
  return WAITING_STATES.has(await job.getState()) ? jobId : undefined;
}
