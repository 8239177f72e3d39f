import { Job, type JobJsonRaw, type Queue } from 'bullmq';
import { UnreadableJob, unreadableFields, withStandIns } from './unreadable-job.js';

/**
 * The stored job `jobId`, as queue.getJob reads it, or undefined when there is none. A job whose
 * hash holds a field that is not JSON (a hand edit, another version's writer), on which getJob
 * throws a SyntaxError, is read too, with an UnreadableJob as its data: its name, state and id
 * read as stored, and its data parses as no job schema, so a caller treats it as it treats any job
 * whose data does not parse.
 */
export async function readJob(queue: Queue, jobId: string): Promise<Job | undefined> {
  try {
    return await queue.getJob(jobId);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // The hash BullMQ's Job.fromId read and hands to Job.fromJSON as it is, every field a string.
    const raw = (await (await queue.client).hgetall(queue.toKey(jobId))) as unknown as JobJsonRaw;
    // Removed since the read that threw.
    if (Object.keys(raw).length === 0) return undefined;
    const fields = unreadableFields(raw);
    const job = Job.fromJSON(queue, withStandIns(raw, fields), jobId);
    if (fields.length > 0) job.data = new UnreadableJob(fields);
    return job;
  }
}
