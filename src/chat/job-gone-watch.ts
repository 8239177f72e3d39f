import type { Queue } from 'bullmq';

/** How often a turn asks whether Redis still holds its line's job: a lost one is told within seconds. */
export const JOB_CHECK_INTERVAL_MS = 2_000;

/**
 * Resolves once Redis no longer holds the job. Nothing else tells of it: QueueEvents sends no event
 * for a job lost with Redis's data (a restart without AOF), and the reply's wait would last its
 * whole length. A finished job stays for its retention (JOB_RETENTION), longer than any wait, so
 * gone means lost. One question at a time: one waiting for Redis to come back is not joined by
 * more. Never settles once `signal` aborts (the turn ended).
 */
export function whenJobGone(queue: Pick<Queue, 'getJobState'>, jobId: string, signal: AbortSignal, intervalMs: number = JOB_CHECK_INTERVAL_MS): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const check = async (): Promise<void> => {
      // A failed question (the queue closing) is asked again, as one Redis answered too late.
      const state = await queue.getJobState(jobId).catch(() => undefined);
      if (signal.aborted) return;
      if (state === 'unknown') resolve();
      else timer = setTimeout(check, intervalMs);
    };
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    if (!signal.aborted) timer = setTimeout(check, intervalMs);
  });
}
