import { applyPersonaLook } from '../domain/apply-persona-look.js';
import { pickPersona } from '../domain/pick-persona.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../errors.js';
import { NO_COOLDOWN } from '../ports/reply-limiter.js';
import { forgetUnsent, unfinishedPost } from './begun-post.js';
import { ALWAYS_HELD, type JobHold } from './job-hold.js';
import { attemptAtSend } from './attempt-at-send.js';
import { blockForAdmins, blockedReason, isAdminProblem, serverLeft } from './blocked-places.js';
import { withEditedContext, withoutDeleted } from './burst-parts.js';
import { catchUpStaleBurst } from './catch-up-stale-burst.js';
import { classifyOne } from './classify-one.js';
import { confirmedContext } from './confirmed-context.js';
import { answeredBy, conversationState } from './conversation-state.js';
import { goneFromDiscord } from './gone-from-discord.js';
import { landedEarlier, landedSinceFirstLook } from './landed-earlier.js';
import { noteReplyPersona } from './note-reply-persona.js';
import type { MessageJobDeps } from './message-job-deps.js';
import type { MessageJobOutcome } from './message-job-outcome.js';
import { endUnconfirmed, isUnconfirmedPost } from './post-unconfirmed.js';
import { classifiedText, messageJobId, parseMessageJob, replyIdOf, type ParsedMessageJob } from './message-job.js';
import { recheckBeforePost } from './recheck-before-post.js';
import { replyTargetOf } from './reply-target.js';
import { settingsOf } from './settings-of.js';
import { shouldStayQuiet } from './stay-quiet.js';
import { PLACE_DELETED, watchForDeletion } from './watch-for-deletion.js';
import { writeUntilDone, type TryOptions, type TryResult } from './write-again.js';
import { writeReply } from './write-reply.js';

export type { MessageJobDeps } from './message-job-deps.js';
export type { MessageJobOutcome, SkipReason } from './message-job-outcome.js';
export type { JobHold } from './job-hold.js';

/**
 * The story of one message: parse it, catch a burst's job up with its burst where a stale copy of
 * the burst replaced it, drop what was deleted (asking Discord after a long wait), read the guild's
 * settings, classify the emotion, pick the persona, take a start from the rate limits, write the
 * reply, check again that it may still be posted (deletions, edits, the settings as they read now),
 * post it once, and only while this run still holds the job.
 */
export async function handleMessageJob(data: unknown, deps: MessageJobDeps, signal?: AbortSignal, run: JobHold = ALWAYS_HELD): Promise<MessageJobOutcome> {
  const parsed = parseMessageJob(data);
  const queued = await catchUpStaleBurst(parsed, run.jobId ?? messageJobId(parsed.messageId), deps);
  return writeUntilDone(queued.messageId, deps.logger, (options) => answer(queued, deps, options, signal, run));
}

/** One try at the reply, from the messages of the burst not deleted by now, and its conversation as it reads now. */
async function answer(queued: ParsedMessageJob, deps: MessageJobDeps, options: TryOptions, signal: AbortSignal | undefined, run: JobHold): Promise<TryResult<MessageJobOutcome>> {
  const read = await conversationState(queued, deps);
  const { deletedIds, edits } = read;
  // A job older than the deletion markers last asks Discord: its messages may be gone unmarked, its place deleted unseen.
  const gone = await goneFromDiscord(queued, deletedIds, deps, signal);
  if (gone === PLACE_DELETED) return { status: 'skipped', reason: 'channel-deleted' };
  // A burst some of whose messages were deleted is answered for the rest, without their text; and
  // no deleted message of the conversation reaches the prompt, nor an edited one as it first read.
  const job = withoutDeleted(withEditedContext(queued, edits), new Set([...deletedIds, ...gone]));
  if (!job) return { status: 'skipped', reason: 'deleted' };
  const answered = answeredBy(job);
  if (await deps.ledger.find(answered)) return { status: 'skipped', reason: 'already-answered' };
  const target = replyTargetOf(job);
  const earlier = await landedEarlier(job, answered, target, deps);
  if (earlier === 'landed') return { status: 'skipped', reason: 'already-answered' };
  const unfinished = await unfinishedPost(job, answered, deps);
  if (unfinished) return endUnconfirmed(unfinished, answered, undefined, deps);
  // No generation, no refused request where the place was deleted, or the last post failed for want of an admin's fix.
  const blocked = await blockedReason(job, target, deps);
  if (blocked) return { status: 'skipped', reason: blocked };

  const settings = await settingsOf(job, deps);
  const analysis = await classifyOne(deps.classifier, classifiedText(job));
  deps.logger.debug({ analysis }, 'classified');

  const refusal = shouldStayQuiet(job, settings, analysis);
  if (refusal) return { status: 'skipped', reason: refusal, emotion: analysis.emotion };

  const personaEmotion = pickPersona(analysis.scores, settings?.disabledPersonas ?? []);
  if (!personaEmotion) return { status: 'skipped', reason: 'no-persona-allowed', emotion: analysis.emotion };
  const voice = deps.personas[personaEmotion];
  // The name its earlier replies were posted under, as the server shows it.
  const postsAs = applyPersonaLook(voice, settings?.personaLooks[personaEmotion]).name;

  // Taken only now that the bot will answer: a message it stays quiet on uses up no cooldown.
  const start = { scope: job.guildId ?? 'dm', channelId: job.channelId, userId: job.author.id, cooldowns: settings ?? NO_COOLDOWN };
  // Claimed under the job as queued, which no deletion between attempts (or tries) changes: a retry keeps its start.
  if (!(await deps.limiter.tryStart(start, replyIdOf(queued)))) return { status: 'skipped', reason: 'rate-limited', emotion: analysis.emotion };

  // After a long wait only the context Discord still lists is quoted: another member's deletion may have outlived its marker.
  const quoting = await confirmedContext(job, deps, signal);
  // A thread or channel deleted while the reply is written stops it: nothing is left there to answer.
  // So do what the recheck below would find once it is written: its messages deleted, its place or persona turned off.
  const reply = { queued, job, read, analysis, persona: personaEmotion };
  const content = await watchForDeletion(reply, target, deps, options, signal, (watched) => writeReply(quoting, deps, voice, watched, postsAs));
  if (content === PLACE_DELETED) return { status: 'skipped', reason: 'channel-deleted', emotion: analysis.emotion };
  if (typeof content !== 'string') return content.unwanted;

  const recheck = await recheckBeforePost(reply, deps, options);
  if (!recheck.postable) return recheck.instead;
  // The server removed the bot while the reply was written: nothing of it is posted there.
  if (await serverLeft(job, deps)) return { status: 'skipped', reason: 'left-server', emotion: analysis.emotion };
  // The operator's persona wrote the reply; the server's look as it is now (its admins' name and
  // avatar) only shows it, so nothing an admin types becomes a line of the prompt.
  const persona = applyPersonaLook(voice, recheck.settingsNow?.personaLooks[personaEmotion]);
  const stillOurs = () => ensureStillOurs(answered, deps, run);
  const alreadyAnswered = { status: 'skipped', reason: 'already-answered', emotion: analysis.emotion } as const;
  // An earlier attempt's post may land after the run's first look (Discord slower than the REST timeout): looked for again, last thing before the send.
  if (await landedSinceFirstLook(earlier, job, answered, target, deps)) return alreadyAnswered;
  // Before the post's waits too, outside the try: a run that lost its job makes no request for a reply it will not send.
  try {
    await stillOurs();
  } catch (error) {
    if (isAnsweredMeanwhile(error)) return alreadyAnswered;
    throw error;
  }
  const sending = attemptAtSend(answered, { content, persona: persona.name, personaKey: personaEmotion }, stillOurs, deps, run.lock);
  let posted;
  try {
    posted = await deps.replier.post({
      target,
      persona,
      content,
      nonce: job.messageId,
      detected: { emotion: analysis.emotion, confidence: analysis.confidence },
    }, { log: deps.logger, signal, beforeSend: sending.beforeSend });
  } catch (error) {
    if (isAnsweredMeanwhile(error)) return alreadyAnswered;
    // Only an attempt this run noted is its to forget: one stopped before its send noted none, and the job's new holder may have noted its own.
    if (sending.noted) await forgetUnsent(job, error, answered, sending.noted, deps);
    // A moderator archived or locked the thread while the reply was written: posting would reopen it.
    if (isFeelbotError(error, ErrorCodes.ThreadClosed)) return { status: 'skipped', reason: 'thread-closed', emotion: analysis.emotion };
    // The thread or channel was deleted meanwhile, its messages with it: nothing is left to answer, and a retry would meet the same.
    if (isFeelbotError(error, ErrorCodes.ChannelDeleted)) return { status: 'skipped', reason: 'channel-deleted', emotion: analysis.emotion };
    if (isUnconfirmedPost(job, error)) return endUnconfirmed(error, answered, analysis.emotion, deps);
    if (!job.guildId || !isAdminProblem(error)) throw error;
    // Retrying can't grant a permission; tell the admins once and let the worker move on.
    await blockForAdmins(error, job.guildId, job.channelId, deps);
    return { status: 'skipped', reason: 'cannot-post', emotion: analysis.emotion };
  }
  await Promise.all([deps.ledger.record(answered, posted.messageId), noteReplyPersona(posted.messageId, personaEmotion, deps)]);
  return { status: 'posted', emotion: analysis.emotion, persona: personaEmotion, replyId: posted.messageId };
}

/**
 * Stops the post unless this run still holds its job and nobody answered these messages since the
 * last look: a worker paused past its lock (docker pause, a VM stall, Redis out of reach) resumes
 * where it stopped, after another worker took the job over and may have posted the reply.
 * Stops it too once the worker's sends are closed (its stop is near), with that signal's reason.
 * JOB_LOST either way; `details.answeredBy` when the run still holds its job.
 */
async function ensureStillOurs(answered: readonly string[], deps: Pick<MessageJobDeps, 'ledger'>, run: JobHold): Promise<void> {
  // A stopping worker starts no post its stop could leave running: the job goes back to the queue instead.
  run.sendsClosed?.throwIfAborted();
  const [holds, answeredBy] = await Promise.all([run.holdsJob(), deps.ledger.find(answered)]);
  if (!holds) {
    throw new FeelbotError(ErrorCodes.JobLost, 'This run lost its job to another worker before posting the reply.', { details: { messageIds: answered } });
  }
  if (answeredBy !== undefined) {
    throw new FeelbotError(ErrorCodes.JobLost, 'Another run answered these messages while this one was about to post.', { details: { messageIds: answered, answeredBy } });
  }
}

/** JOB_LOST with `answeredBy`: another run answered while this one still held its job, which it ends as already answered. */
function isAnsweredMeanwhile(error: unknown): boolean {
  return isFeelbotError(error, ErrorCodes.JobLost) && error.details.answeredBy !== undefined;
}
