import { ErrorCodes, FeelbotError, errorCodeOf } from '../errors.js';
import type { ReplyTarget } from '../ports/persona-replier.js';
import { placesOf } from './blocked-places.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { ParsedMessageJob } from './message-job.js';

/** A reply on a CPU is written for tens of seconds; a check every 2 s stops it soon, at one Redis read each. */
export const DELETION_CHECK_MS = 2_000;

/** What the watched writing ends in when the reply's place was deleted meanwhile. */
export const PLACE_DELETED = Symbol('place deleted');

/**
 * Runs `write` (the reply's generation) with a signal that also aborts once the gateway has blocked
 * the reply's thread or channel, or a thread's parent, as deleted (CHANNEL_DELETED), checked every
 * DELETION_CHECK_MS with the places `blockedReason` reads: nothing is left there to answer, and the
 * model goes on to the next reply. Returns PLACE_DELETED then, whatever `write` ended in. Only a
 * deletion stops it: an admin's block (cannot-post) lets the reply be written. A DM is not watched.
 */
export async function watchForDeletion<T>(
  job: ParsedMessageJob,
  target: ReplyTarget,
  deps: Pick<MessageJobDeps, 'blocks' | 'logger'>,
  signal: AbortSignal | undefined,
  write: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T | typeof PLACE_DELETED> {
  const places = placesOf(job, target);
  if (places.length === 0) return write(signal);
  const deletion = new AbortController();
  let watching = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = async (): Promise<void> => {
    try {
      if ((await deps.blocks.blockedBy(places)) === ErrorCodes.ChannelDeleted && watching) {
        deps.logger.info({ channelId: job.channelId }, 'the thread or channel of a reply being written was deleted: writing stopped');
        deletion.abort(placeDeleted(job.channelId));
        return;
      }
    } catch (error) {
      // A check that failed stops nothing: the post would still meet Unknown Channel.
      deps.logger.debug({ err: error, code: errorCodeOf(error) }, 'could not check whether the place of a reply being written was deleted');
    }
    if (watching) timer = setTimeout(() => void check(), DELETION_CHECK_MS);
  };
  timer = setTimeout(() => void check(), DELETION_CHECK_MS);
  try {
    const written = await write(signal ? AbortSignal.any([signal, deletion.signal]) : deletion.signal);
    return deletion.signal.aborted ? PLACE_DELETED : written;
  } catch (error) {
    // The generator reports the abort as GENERATION_ABORTED: a deletion is a skip, not a failure.
    if (deletion.signal.aborted) return PLACE_DELETED;
    throw error;
  } finally {
    watching = false;
    clearTimeout(timer);
  }
}

function placeDeleted(channelId: string): FeelbotError {
  return new FeelbotError(ErrorCodes.ChannelDeleted, `<#${channelId}> was deleted while its reply was written.`, {
    permanent: true,
    details: { channelId },
  });
}
