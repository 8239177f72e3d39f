import type { GuildSettings } from '../domain/guild-settings.js';
import { answeredBy, conversationState } from './conversation-state.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { MessageJobOutcome } from './message-job-outcome.js';
import { unwantedBy, type ReplyInWriting } from './reply-unwanted.js';
import { settingsOf } from './settings-of.js';
import type { TryOptions, TryResult } from './write-again.js';

/** Post it, showing the persona as `settingsNow` has it; or return `instead` (a skip, or a signal to write it again). */
export type Recheck =
  | { readonly postable: true; readonly settingsNow: GuildSettings | undefined }
  | { readonly postable: false; readonly instead: TryResult<MessageJobOutcome> };

/**
 * The checks made again once the reply is written, before it is posted: that nobody answered
 * meanwhile, that what it answers is still there, that the settings as they read now still let it
 * post, and that its conversation did not change under it.
 */
export async function recheckBeforePost(written: ReplyInWriting, deps: MessageJobDeps, options: TryOptions): Promise<Recheck> {
  const { queued, job } = written;
  const answered = answeredBy(job);
  // Another worker may have answered while this one was generating (a stalled job moved on), or
  // the author may have deleted what this reply answers: what is left of a burst is written again.
  if (await deps.ledger.find(answered)) return stop({ status: 'skipped', reason: 'already-answered' });
  const [now, settingsNow] = await Promise.all([conversationState(queued, deps), settingsOf(job, deps)]);
  // The same checks as while it was written (watchForDeletion), made once more after its last token.
  const unwanted = unwantedBy(written, now, settingsNow, options);
  return unwanted === undefined ? { postable: true, settingsNow } : stop(unwanted);
}

function stop(instead: TryResult<MessageJobOutcome>): Recheck {
  return { postable: false, instead };
}
