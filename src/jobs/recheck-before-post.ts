import type { GuildSettings } from '../domain/guild-settings.js';
import { answeredBy, contextChanged, contextIdsOf, conversationState, type ConversationState } from './conversation-state.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { MessageJobOutcome } from './message-job-outcome.js';
import type { ParsedMessageJob } from './message-job.js';
import { unwantedBy, type ReplyInWriting } from './reply-unwanted.js';
import { settingsOf } from './settings-of.js';
import { WRITE_AGAIN, type TryOptions, type TryResult } from './write-again.js';

/** A reply just written, with what its try read before writing it; its `job` is as the try answered it, with its context as edited. */
export interface WrittenReply extends ReplyInWriting {
  /** The job as queued: its messages are the ones checked again. */
  readonly queued: ParsedMessageJob;
  /** The conversation as the try read it before writing. */
  readonly read: ConversationState;
}

/** Post it, showing the persona as `settingsNow` has it; or return `instead` (a skip, or a signal to write it again). */
export type Recheck =
  | { readonly postable: true; readonly settingsNow: GuildSettings | undefined }
  | { readonly postable: false; readonly instead: TryResult<MessageJobOutcome> };

/**
 * The checks made again once the reply is written, before it is posted: that nobody answered
 * meanwhile, that what it answers is still there, that the settings as they read now still let it
 * post, and that its conversation did not change under it.
 */
export async function recheckBeforePost(written: WrittenReply, deps: MessageJobDeps, options: TryOptions): Promise<Recheck> {
  const { queued, job, read } = written;
  const answered = answeredBy(job);
  // Another worker may have answered while this one was generating (a stalled job moved on), or
  // the author may have deleted what this reply answers: what is left of a burst is written again.
  if (await deps.ledger.find(answered)) return stop({ status: 'skipped', reason: 'already-answered' });
  const [now, settingsNow] = await Promise.all([conversationState(queued, deps), settingsOf(job, deps)]);
  // The same checks as while it was written (watchForDeletion), made once more after its last token.
  const unwanted = unwantedBy(written, now.deletedIds, settingsNow, options);
  if (unwanted !== undefined) return stop(unwanted);
  // Someone took back what they wrote (edited or deleted) while the reply, which may quote it, was written.
  if (options.rewriteForContext && contextChanged(read, now, contextIdsOf(queued))) return stop(WRITE_AGAIN);
  return { postable: true, settingsNow };
}

function stop(instead: TryResult<MessageJobOutcome>): Recheck {
  return { postable: false, instead };
}
