import type { Queue } from 'bullmq';
import { withEdited } from '../../jobs/burst-parts.js';
import { MessageJobSchema, type MessageText } from '../../jobs/message-job.js';
import { readJob } from './read-job.js';

/** Where a job waits for a worker (or for its burst window to close); BullMQ's names. */
const WAITING_STATES: ReadonlySet<string> = new Set(['delayed', 'waiting', 'prioritized', 'waiting-children']);

/**
 * Puts an edited message's new text into `jobId`, the message's carrier, while that job waits (in
 * its burst window, or for a worker). Returns the job's id, or undefined when it no longer waits:
 * its reply is under way or done (also when a worker took the job while it was being updated: that
 * worker answers the text it read), a deletion took it out, or its stored data cannot be read (a
 * worker fails it as JOB_INVALID).
 */
export async function reviseWaitingJob(queue: Queue, jobId: string, messageId: string, text: MessageText): Promise<string | undefined> {
  const job = await readJob(queue, jobId);
  if (!job || job.name !== 'reply' || !WAITING_STATES.has(await job.getState())) return undefined;
  const parsed = MessageJobSchema.safeParse(job.data);
  const edited = parsed.success ? withEdited(parsed.data, messageId, text) : undefined;
  if (!edited) return undefined;
  await job.updateData(edited);
  // A worker that took the job between the check and the update answers the text it read.
  return WAITING_STATES.has(await job.getState()) ? jobId : undefined;
}
