import { ErrorCodes, FeelbotError, errorCodeOf } from '../errors.js';
import type { ReplyTarget } from '../ports/persona-replier.js';
import { placesOf } from './blocked-places.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { MessageJobOutcome } from './message-job-outcome.js';
import { unwantedNow, whyUnwanted, type ReplyInWriting } from './reply-unwanted.js';
import type { TryOptions, TryResult } from './write-again.js';

/** A reply on a CPU is written for tens of seconds; a check every 2 s stops it soon, at a few Redis reads each. */
export const DELETION_CHECK_MS = 2_000;

/** What the watched writing ends in when the reply's place was deleted meanwhile. */
export const PLACE_DELETED = Symbol('place deleted');

/** What the watched writing ends in when the reply was no longer wanted meanwhile: what its try ends in instead. */
export interface Unwanted {
  readonly unwanted: TryResult<MessageJobOutcome>;
}

/**
 * Runs `write` (the reply's generation) with a signal that also aborts once nobody wants the reply,
 * checked every DELETION_CHECK_MS: nothing of it would be posted, and the model goes on to the next
 * reply. Returns PLACE_DELETED once the gateway has blocked the reply's thread or channel, or a
 * thread's parent, as deleted (CHANNEL_DELETED) with the places `blockedReason` reads; `Unwanted`
 * once what recheckBeforePost would find after the last token says so already (unwantedNow: the
 * messages it answers deleted, its place's mode or its persona turned off, a message of its
 * conversation edited or deleted). Either whatever `write`
 * ended in. An admin's block (cannot-post) lets the reply be written; a DM is watched for deletions alone.
 */
export async function watchForDeletion<T>(
  reply: ReplyInWriting,
  target: ReplyTarget,
  deps: Pick<MessageJobDeps, 'blocks' | 'deleted' | 'edited' | 'settings' | 'logger'>,
  options: TryOptions,
  signal: AbortSignal | undefined,
  write: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T | typeof PLACE_DELETED | Unwanted> {
  const { job } = reply;
  const places = placesOf(job, target);
  const stop = new AbortController();
  let stopped: typeof PLACE_DELETED | Unwanted | undefined;
  let watching = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A check that failed stops nothing: the post would still meet Unknown Channel, the recheck the rest.
  const orNothing = <R>(read: () => Promise<R>, what: string): Promise<R | undefined> =>
    read().catch((error: unknown) => {
      deps.logger.debug({ err: error, code: errorCodeOf(error) }, `could not check whether ${what}`);
      return undefined;
    });
  const check = async (): Promise<void> => {
    const [blockedBy, unwanted] = await Promise.all([
      places.length === 0 ? undefined : orNothing(() => deps.blocks.blockedBy(places), 'the place of a reply being written was deleted'),
      orNothing(() => unwantedNow(reply, deps, options), 'a reply being written is still wanted'),
    ]);
    if (!watching) return;
    if (blockedBy === ErrorCodes.ChannelDeleted) {
      deps.logger.info({ channelId: job.channelId }, 'the thread or channel of a reply being written was deleted: writing stopped');
      stopped = PLACE_DELETED;
      stop.abort(placeDeleted(job.channelId));
    } else if (unwanted !== undefined) {
      const why = whyUnwanted(unwanted);
      deps.logger.info({ channelId: job.channelId, why }, 'a reply being written is no longer wanted: writing stopped');
      stopped = { unwanted };
      stop.abort(noLongerWanted(job.channelId, why));
    } else timer = setTimeout(() => void check(), DELETION_CHECK_MS);
  };
  timer = setTimeout(() => void check(), DELETION_CHECK_MS);
  try {
    const written = await write(signal ? AbortSignal.any([signal, stop.signal]) : stop.signal);
    return stopped ?? written;
  } catch (error) {
    // The generator reports the abort as GENERATION_ABORTED: a reply nobody wants is a skip (or another try), not a failure.
    if (stopped) return stopped;
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

/** The stop's reason, which the generator's GENERATION_ABORTED carries as its cause. */
function noLongerWanted(channelId: string, why: string): FeelbotError {
  return new FeelbotError(ErrorCodes.GenerationAborted, `The reply being written in <#${channelId}> was no longer wanted (${why}).`, {
    permanent: true,
    details: { channelId, why },
  });
}
