import type { Emotion } from '../domain/emotions.js';
import type { GuildSettings } from '../domain/guild-settings.js';
import type { EmotionAnalysis } from '../ports/emotion-classifier.js';
import { withoutDeleted } from './burst-parts.js';
import { answeredBy, contextChanged, contextIdsOf, conversationState, type ConversationState } from './conversation-state.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { MessageJobOutcome } from './message-job-outcome.js';
import type { ParsedMessageJob } from './message-job.js';
import { settingsOf } from './settings-of.js';
import { refusalNow } from './stay-quiet.js';
import { WRITE_AGAIN, WRITE_AS_ANOTHER, type TryOptions, type TryResult } from './write-again.js';

/** A reply just written, with what its try read before writing it. */
export interface WrittenReply {
  /** The job as queued: its messages are the ones checked again. */
  readonly queued: ParsedMessageJob;
  /** The job as the try answered it, without the messages deleted by then and with its context as edited. */
  readonly job: ParsedMessageJob;
  /** The conversation as the try read it before writing. */
  readonly read: ConversationState;
  readonly analysis: EmotionAnalysis;
  /** The persona that wrote the reply. */
  readonly persona: Emotion;
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
  const { queued, job, read, analysis, persona } = written;
  const answered = answeredBy(job);
  // Another worker may have answered while this one was generating (a stalled job moved on), or
  // the author may have deleted what this reply answers: what is left of a burst is written again.
  if (await deps.ledger.find(answered)) return stop({ status: 'skipped', reason: 'already-answered' });
  const [now, settingsNow] = await Promise.all([conversationState(queued, deps), settingsOf(job, deps)]);
  const deletedSince = now.deletedIds.filter((id) => answered.includes(id));
  if (deletedSince.length > 0) {
    return stop(withoutDeleted(job, new Set(deletedSince)) ? WRITE_AGAIN : { status: 'skipped', reason: 'deleted', emotion: analysis.emotion });
  }
  // An admin may have silenced the place or the persona while the reply was written (up to LLM_TIMEOUT_MS).
  const refusedNow = refusalNow(job, settingsNow, analysis, persona, options);
  if (refusedNow === WRITE_AS_ANOTHER) return stop(WRITE_AS_ANOTHER);
  if (refusedNow) return stop({ status: 'skipped', reason: refusedNow, emotion: analysis.emotion });
  // Someone took back what they wrote (edited or deleted) while the reply, which may quote it, was written.
  if (options.rewriteForContext && contextChanged(read, now, contextIdsOf(queued))) return stop(WRITE_AGAIN);
  return { postable: true, settingsNow };
}

function stop(instead: TryResult<MessageJobOutcome>): Recheck {
  return { postable: false, instead };
}
