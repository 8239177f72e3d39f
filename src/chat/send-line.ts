import type { Job, Queue } from 'bullmq';
import { ErrorCodes, FeelbotError } from '../errors.js';
import type { MessageJob } from '../jobs/message-job.js';
import { withinMs } from '../time-limit.js';

/**
 * Queues one line as a reply job, or makes sure it never is. chat's connection keeps commands
 * while Redis is away (enableOfflineQueue) and retries them for ever, so an add left waiting there
 * would run once Redis is back, and its line be answered unseen. So a line is refused at once while
 * the queue's connection is not ready; and one Redis does not take within `timeoutMs` is withdrawn
 * (withdrawLateLine). Both reject with REDIS_UNAVAILABLE: the line was not sent.
 */
export async function sendLine(queue: Queue, data: MessageJob, jobId: string, timeoutMs: number): Promise<Job> {
  const client = await withinMs(queue.client, timeoutMs).catch((error: unknown) => {
    throw notTaken(`Redis did not answer (${error instanceof Error ? error.message : String(error)})`, error);
  });
  if (client.status !== 'ready') throw notTaken(`Redis is not reachable (the connection is ${CONNECTION_STATES[client.status] ?? client.status})`);
  const adding = queue.add('reply', data, { jobId });
  try {
    return await withinMs(adding, timeoutMs);
  } catch (error) {
    withdrawLateLine(queue, jobId, adding);
    throw notTaken(`Redis did not take the line (${error instanceof Error ? error.message : String(error)})`, error);
  }
}

/** ioredis's connection states, as a person reads them. */
const CONNECTION_STATES: Readonly<Record<string, string>> = { close: 'closed', end: 'closed', wait: 'not open yet' };

/**
 * Makes an add that failed or timed out stay undone, as the person was told. Its removal is sent at
 * once: it waits on the same connection right behind the add (in the offline queue, or among the
 * commands ioredis sends again after a reconnect), so it runs before the worker can take the job.
 * Sent again once a late add settles, should the add have come after it after all.
 */
function withdrawLateLine(queue: Queue, jobId: string, adding: Promise<Job>): void {
  void queue.remove(jobId).catch(() => undefined);
  void adding.then(
    () => queue.remove(jobId).catch(() => undefined),
    () => undefined,
  );
}

function notTaken(message: string, cause?: unknown): FeelbotError {
  return new FeelbotError(ErrorCodes.RedisUnavailable, message, { cause, userFacing: true });
}
