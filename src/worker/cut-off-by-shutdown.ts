import { ErrorCodes, isFeelbotError } from '../errors.js';

/** Causes followed at most: a chain is a few wrappers deep, and a cycle must not loop. */
const MAX_CAUSES = 8;

/**
 * True when `error` is the worker's shutdown abort or comes from it: the signal's reason, an
 * AbortError (a wait it cut short), or GENERATION_ABORTED (the generator's own shutdown marks it
 * permanent, yet it is a cut, not a failure), itself or as the cause of another error; or the
 * reason of `sendsClosed`, a send the stopping worker did not start. A failure of anything else
 * that lands after the abort (Discord refusing a post, a post timing out that may still land) is a
 * failure like any other.
 */
export function cutOffByShutdown(error: unknown, shutdown: AbortSignal, sendsClosed?: AbortSignal): boolean {
  if (!shutdown.aborted && !sendsClosed?.aborted) return false;
  let current = error;
  for (let depth = 0; depth < MAX_CAUSES && current !== undefined && current !== null; depth++) {
    // A post that may have reached Discord (its own timeout ran out) is no cut: its retry must wait for it to land.
    if (isFeelbotError(current) && current.details.mayHavePosted === true) return false;
    if (sendsClosed?.aborted && current === sendsClosed.reason) return true;
    if (shutdown.aborted && isShutdownCut(current, shutdown)) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/** The shutdown's own reason, or what marks a cut it made. */
function isShutdownCut(error: unknown, shutdown: AbortSignal): boolean {
  return error === shutdown.reason || isFeelbotError(error, ErrorCodes.GenerationAborted) || (error instanceof Error && error.name === 'AbortError');
}
