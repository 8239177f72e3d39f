import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { rewriteJobData } from './rewrite-job-data.js';
import { arrayOf, isRecord, parsedJobData } from './stored-job-data.js';

/**
 * Takes deleted messages out of the context of each of `jobIds`, whatever its state: waiting,
 * delayed, being answered (the worker checks the deletion markers itself before it writes and
 * before it posts; its next attempt reads the job as rewritten), or finished and kept a while.
 * Returns the jobs rewritten; one that quotes none of them, or is gone, is left as it is.
 */
export async function unquoteDeleted(queue: Queue, connection: Redis, jobIds: readonly string[], deleted: ReadonlySet<string>): Promise<string[]> {
  const rewritten: string[] = [];
  for (const jobId of jobIds) {
    if (await rewriteJobData(connection, queue.toKey(jobId), (data) => withoutQuoted(data, deleted))) rewritten.push(jobId);
  }
  return rewritten;
}

/**
 * A reply job's stored data without the deleted messages in its context, every other field as
 * stored (read as plain JSON, not through the schema, which would add its defaults or drop the
 * fields of another version); undefined when it quotes none of them.
 */
export function withoutQuoted(data: unknown, deleted: ReadonlySet<string>): Record<string, unknown> | undefined {
  if (!isRecord(data) || !Array.isArray(data.context)) return undefined;
  const context = data.context.filter((entry) => !(isRecord(entry) && typeof entry.messageId === 'string' && deleted.has(entry.messageId)));
  return context.length === data.context.length ? undefined : { ...data, context };
}

/**
 * The messages a reply job's stored data quotes in its context, read as plain JSON as withoutQuoted
 * reads it; none when `stored` (a job hash's `data`) is missing or not JSON.
 */
export function quotedIn(stored: unknown): string[] {
  const data = parsedJobData(stored);
  if (!isRecord(data)) return [];
  return arrayOf(data.context).flatMap((entry) => (isRecord(entry) && typeof entry.messageId === 'string' ? [entry.messageId] : []));
}
