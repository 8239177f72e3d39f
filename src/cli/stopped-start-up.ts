import { ErrorCodes, isFeelbotError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import { withinMs } from '../time-limit.js';

/**
 * How long a start-up the stop signal interrupted gets to end: a cancelled download closes its file
 * and releases its lock in milliseconds; what takes no signal (a model loading onto a GPU, a hub
 * EMOTION_MODEL's download) is left to the process's exit.
 */
export const STOPPED_START_UP_GRACE_MS = 3_000;

/**
 * After `signal` interrupted `starting` (unlessStopped): waits up to STOPPED_START_UP_GRACE_MS for it
 * to end, and logs what it left behind, such as a model download cancelled with its partial file kept.
 */
export async function settleStoppedStartUp(starting: Promise<unknown>, signal: AbortSignal, logger: Logger): Promise<void> {
  const settled = starting.then(() => 'started' as const, (error: unknown) => ({ error }));
  // `settled` never rejects, so a rejection is the grace running out.
  const outcome = await withinMs(settled, STOPPED_START_UP_GRACE_MS).catch(() => 'late' as const);
  if (outcome === 'late') {
    logger.info({ graceMs: STOPPED_START_UP_GRACE_MS }, 'start-up did not end at the stop signal; exiting without waiting for it');
  } else if (outcome !== 'started' && outcome.error !== signal.reason) {
    const { error } = outcome;
    if (isFeelbotError(error, ErrorCodes.Interrupted)) logger.info({ code: error.code, ...error.details }, error.message);
    else logger.warn({ err: error }, 'start-up failed as it was stopped');
  }
}
