import type { Job, Queue, QueueEvents } from 'bullmq';
import { whenJobGone } from './job-gone-watch.js';

/** What a reply job returns (MessageJobOutcome), read loosely: it comes back through Redis. */
export type JobOutcome = { status: string; reason?: string; replyId?: string; persona?: string };

/** How a line's job ended, as its session sees it; a failure, the wait's end or the session's end rejects instead. */
export type LineOutcome = { readonly kind: 'finished'; readonly outcome: JobOutcome } | { readonly kind: 'gone' };

/**
 * Waits for the job a line was queued as (on `queue`) to finish, for up to `timeoutMs`, or to leave Redis
 * (whenJobGone), whichever comes first. `signal` (the session ending) stops the wait.
 */
export async function lineOutcome(queue: Queue, job: Job, events: QueueEvents, timeoutMs: number, signal: AbortSignal | undefined): Promise<LineOutcome> {
  const turn = new AbortController();
  try {
    const finished = job.waitUntilFinished(events, timeoutMs).then((outcome) => ({ kind: 'finished', outcome: outcome as JobOutcome }) as const);
    const gone = whenJobGone(queue, job.id ?? '', turn.signal).then(() => ({ kind: 'gone' }) as const);
    return await unlessAborted(Promise.race([finished, gone]), signal);
  } finally {
    turn.abort();
  }
}

/**
 * Settles as `work` does, or rejects once `signal` aborts. The listener goes when the work settles:
 * the session's signal outlives every turn, and a listener per turn would pile up on it.
 */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  let fail: () => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (fail = () => reject(new Error('the session ended before the reply came'))));
  if (signal.aborted) fail();
  else signal.addEventListener('abort', fail, { once: true });
  return Promise.race([work, stopped]).finally(() => signal.removeEventListener('abort', fail));
}
