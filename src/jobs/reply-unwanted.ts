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

/** A reply being written, or just written, with what its try read and decided before writing it. */
export interface ReplyInWriting {
  /** The job as queued: its messages and its conversation's are the ones checked again. */
  readonly queued: ParsedMessageJob;
  /** The job as the try answered it, without the messages deleted by then, its context as edited. */
  readonly job: ParsedMessageJob;
  /** The conversation as the try read it before writing. */
  readonly read: ConversationState;
  readonly analysis: EmotionAnalysis;
  /** The persona writing it. */
  readonly persona: Emotion;
}

/**
 * What the conversation and settings as they read now say against a reply: skipped as deleted when
 * every message it answers is, WRITE_AGAIN when only part of its burst is (the rest is answered),
 * the skip the start would have given when its place's mode now refuses it, WRITE_AS_ANOTHER (or
 * no-persona-allowed) when its persona was disabled, WRITE_AGAIN (while the options allow it) when a
 * message of its conversation was edited or deleted, since the reply may quote it; undefined when
 * nothing does.
 */
export function unwantedBy(
  reply: ReplyInWriting,
  now: ConversationState,
  settingsNow: GuildSettings | undefined,
  options: TryOptions,
): TryResult<MessageJobOutcome> | undefined {
  const { job, analysis, persona } = reply;
  const answered = answeredBy(job);
  const deletedSince = now.deletedIds.filter((id) => answered.includes(id));
  if (deletedSince.length > 0) {
    return withoutDeleted(job, new Set(deletedSince)) ? WRITE_AGAIN : { status: 'skipped', reason: 'deleted', emotion: analysis.emotion };
  }
  // An admin may have silenced the place or the persona while the reply was written (up to LLM_TIMEOUT_MS).
  const refused = refusalNow(job, settingsNow, analysis, persona, options);
  if (refused === WRITE_AS_ANOTHER) return WRITE_AS_ANOTHER;
  if (refused) return { status: 'skipped', reason: refused, emotion: analysis.emotion };
  // Someone took back what they wrote (edited or deleted) while the reply, which may quote it, was written.
  return options.rewriteForContext && contextChanged(reply.read, now, contextIdsOf(reply.queued)) ? WRITE_AGAIN : undefined;
}

/**
 * unwantedBy with the conversation (its deletion markers and edits) and the settings as they read
 * now: two MGETs and one GET, cheap enough to ask every few seconds while the reply is written.
 */
export async function unwantedNow(
  reply: ReplyInWriting,
  deps: Pick<MessageJobDeps, 'deleted' | 'edited' | 'settings'>,
  options: TryOptions,
): Promise<TryResult<MessageJobOutcome> | undefined> {
  const [now, settingsNow] = await Promise.all([conversationState(reply.queued, deps), settingsOf(reply.job, deps)]);
  return unwantedBy(reply, now, settingsNow, options);
}

/** What a reply found unwanted ends its try in, in a word for the logs. */
export function whyUnwanted(instead: TryResult<MessageJobOutcome>): string {
  if (instead === WRITE_AGAIN) return 'write-again';
  if (instead === WRITE_AS_ANOTHER) return 'write-as-another';
  return instead.status === 'skipped' ? instead.reason : instead.status;
}
