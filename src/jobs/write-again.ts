import { EMOTIONS } from '../domain/emotions.js';
import type { Logger } from '../ports/logger.js';

/**
 * Part of a burst was deleted while its reply was written (too late for the gateway to withdraw
 * the job), or a message of its conversation was edited or deleted: the reply is written again
 * for the messages that are left, from the conversation as it reads now.
 */
export const WRITE_AGAIN = Symbol('write again');

/**
 * How many times a reply is written again for its conversation's edits and deletions alone: a
 * conversation still changing after that is answered as it read when the last try began.
 */
const MAX_REWRITES_FOR_CONTEXT = 3;

/** An admin disabled the persona writing the reply while it was written: the next allowed persona writes it again. */
export const WRITE_AS_ANOTHER = Symbol('write again as another persona');

/**
 * How many times a reply is written again for its persona being disabled meanwhile: once per other
 * persona, so disabling them one after another is followed to the last, and an admin who keeps
 * allowing them again does not keep the job writing.
 */
const MAX_REWRITES_FOR_PERSONA = EMOTIONS.length - 1;

export interface TryOptions {
  /** Whether a change to the conversation while the reply is written has it written again. */
  readonly rewriteForContext: boolean;
  /** Whether its persona disabled while it is written has another persona write it; else it is not posted. */
  readonly rewriteForPersona: boolean;
}

/** What one try at a reply ends in: an outcome, or a signal that the reply is written again. */
export type TryResult<Outcome> = Outcome | typeof WRITE_AGAIN | typeof WRITE_AS_ANOTHER;

/**
 * The outcome of the first try that gives one. A try that signals WRITE_AGAIN or WRITE_AS_ANOTHER
 * is followed by another, whose options say whether it may still signal them.
 */
export async function writeUntilDone<Outcome>(
  messageId: string,
  logger: Logger,
  tryOnce: (options: TryOptions) => Promise<TryResult<Outcome>>,
): Promise<Outcome> {
  // Each new try follows another deletion among the burst's messages (at most as many as it has),
  // a change to its conversation (at most MAX_REWRITES_FOR_CONTEXT), or its persona being disabled
  // (at most MAX_REWRITES_FOR_PERSONA).
  let rewrites = 0;
  let personaRewrites = 0;
  for (;;) {
    const options = { rewriteForContext: rewrites < MAX_REWRITES_FOR_CONTEXT, rewriteForPersona: personaRewrites < MAX_REWRITES_FOR_PERSONA };
    const outcome = await tryOnce(options);
    if (outcome === WRITE_AGAIN) {
      rewrites++;
      logger.info({ messageId }, 'the messages a reply was written from changed while it was written: writing it again');
    } else if (outcome === WRITE_AS_ANOTHER) {
      personaRewrites++;
      logger.info({ messageId }, 'the persona writing a reply was disabled meanwhile: another persona writes it again');
    } else return outcome;
  }
}
