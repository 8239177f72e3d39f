import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplyQueue } from '../../ports/reply-queue.js';

/**
 * How long the gateway whose deferral Discord took has to queue the analysis, from when this one
 * hears 40060: that gateway heard its 204 at about the same moment and needs one Redis round trip.
 */
const QUEUEING_GRACE_MS = 1_000;
/** How often the queue is looked at meanwhile. */
const LOOK_EVERY_MS = 100;

/**
 * After Discord refused a deferral as already acknowledged (40060): true once the analysis shows
 * up in the queue, put there by the gateway that acknowledged it (during a roll-out two gateways
 * receive every interaction). False when none shows up within the grace: the acknowledgement was
 * this gateway's own, its answer lost (a 502 after Discord applied it), or the other gateway could
 * not queue it; either way the caller queues it, and the job id keeps it once-only.
 */
export async function queuedByAnotherGateway(queue: Pick<ReplyQueue, 'hasAnalysis'>, interactionId: string): Promise<boolean> {
  const deadline = Date.now() + QUEUEING_GRACE_MS;
  for (;;) {
    // A look Redis cannot answer finds nothing; queueing it then meets the same outage and reports it.
    if (await queue.hasAnalysis(interactionId).catch(() => false)) return true;
    if (Date.now() + LOOK_EVERY_MS > deadline) return false;
    await sleep(LOOK_EVERY_MS);
  }
}
