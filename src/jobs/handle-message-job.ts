import { buildPrompt } from '../domain/build-prompt.js';
import { cleanReply } from '../domain/clean-reply.js';
import { EMOTIONS, type Emotion } from '../domain/emotions.js';
import { AUTO_MODE_MIN_CONFIDENCE, replyModeFor, type GuildSettings } from '../domain/guild-settings.js';
import type { Persona, PersonaSet } from '../domain/persona.js';
import { applyPersonaLook } from '../domain/apply-persona-look.js';
import { pickPersona } from '../domain/pick-persona.js';
import { ErrorCodes, FeelbotError, isFeelbotError } from '../errors.js';
import type { AdminNotifier } from '../ports/admin-notifier.js';
import type { ChannelBlocks } from '../ports/channel-blocks.js';
import type { DeletedMessages } from '../ports/deleted-messages.js';
import type { DeliveryLedger } from '../ports/delivery-ledger.js';
import type { EditedMessages } from '../ports/edited-messages.js';
import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { PersonaReplier, ReplyTarget } from '../ports/persona-replier.js';
import { NO_COOLDOWN, type ReplyLimiter } from '../ports/reply-limiter.js';
import type { ReplyGenerator } from '../ports/reply-generator.js';
import type { SettingsStore } from '../ports/settings-store.js';
import type { TypingIndicator } from '../ports/typing-indicator.js';
import { classifyOne } from './classify-one.js';
import { withEditedContext, withoutDeleted } from './burst-parts.js';
import { parseMessageJob, replyIdOf, type ParsedMessageJob } from './message-job.js';

export interface MessageJobDeps {
  readonly classifier: EmotionClassifier;
  readonly generator: ReplyGenerator;
  readonly personas: PersonaSet;
  readonly settings: SettingsStore;
  readonly replier: PersonaReplier;
  readonly ledger: DeliveryLedger;
  readonly typing: TypingIndicator;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly notifier: AdminNotifier;
  readonly limiter: ReplyLimiter;
  readonly deleted: DeletedMessages;
  readonly edited: Pick<EditedMessages, 'editsAmong'>;
  readonly blocks: ChannelBlocks;
}

export type MessageJobOutcome =
  | { readonly status: 'posted'; readonly emotion: Emotion; readonly persona: Emotion; readonly replyId: string }
  | { readonly status: 'skipped'; readonly reason: SkipReason; readonly emotion?: Emotion };

export type SkipReason =
  | 'already-answered'
  | 'deleted'
  | 'mode-off'
  | 'not-addressed'
  | 'not-emotional'
  | 'unreadable'
  | 'no-persona-allowed'
  | 'rate-limited'
  | 'cannot-post'
  | 'thread-closed';

function isAdminProblem(error: unknown): error is FeelbotError {
  return isFeelbotError(error, ErrorCodes.WebhookLimitReached) || isFeelbotError(error, ErrorCodes.DiscordPermissionMissing);
}

/**
 * Part of a burst was deleted while its reply was written (too late for the gateway to withdraw
 * the job), or a message of its conversation was edited or deleted: the reply is written again
 * for the messages that are left, from the conversation as it reads now.
 */
const WRITE_AGAIN = Symbol('write again');

/**
 * How many times a reply is written again for its conversation's edits and deletions alone: a
 * conversation still changing after that is answered as it read when the last try began.
 */
const MAX_REWRITES_FOR_CONTEXT = 3;

/** An admin disabled the persona writing the reply while it was written: the next allowed persona writes it again. */
const WRITE_AS_ANOTHER = Symbol('write again as another persona');

/**
 * How many times a reply is written again for its persona being disabled meanwhile: once per other
 * persona, so disabling them one after another is followed to the last, and an admin who keeps
 * allowing them again does not keep the job writing.
 */
const MAX_REWRITES_FOR_PERSONA = EMOTIONS.length - 1;

/**
 * The story of one message: parse it, read the guild's settings, classify the emotion, pick the
 * persona, take a start from the rate limits, write the reply, check again that it may still be
 * posted (deletions, edits, the settings as they read now), post it once.
 */
export async function handleMessageJob(data: unknown, deps: MessageJobDeps, signal?: AbortSignal): Promise<MessageJobOutcome> {
  const queued = parseMessageJob(data);
  // Each new try follows another deletion among the burst's messages (at most as many as it has),
  // a change to its conversation (at most MAX_REWRITES_FOR_CONTEXT), or its persona being disabled
  // (at most MAX_REWRITES_FOR_PERSONA).
  let rewrites = 0;
  let personaRewrites = 0;
  for (;;) {
    const options = { rewriteForContext: rewrites < MAX_REWRITES_FOR_CONTEXT, rewriteForPersona: personaRewrites < MAX_REWRITES_FOR_PERSONA };
    const outcome = await answer(queued, deps, options, signal);
    if (outcome === WRITE_AGAIN) {
      rewrites++;
      deps.logger.info({ messageId: queued.messageId }, 'the messages a reply was written from changed while it was written: writing it again');
    } else if (outcome === WRITE_AS_ANOTHER) {
      personaRewrites++;
      deps.logger.info({ messageId: queued.messageId }, 'the persona writing a reply was disabled meanwhile: another persona writes it again');
    } else return outcome;
  }
}

interface TryOptions {
  /** Whether a change to the conversation while the reply is written has it written again. */
  readonly rewriteForContext: boolean;
  /** Whether its persona disabled while it is written has another persona write it; else it is not posted. */
  readonly rewriteForPersona: boolean;
}

/** A conversation as a try read it: its deleted messages and the newest text of its edited ones. */
interface ConversationState {
  readonly deletedIds: readonly string[];
  readonly edits: ReadonlyMap<string, string>;
}

async function conversationState(queued: ParsedMessageJob, deps: MessageJobDeps): Promise<ConversationState> {
  const contextIds = contextIdsOf(queued);
  const [deletedIds, edits] = await Promise.all([deps.deleted.deletedAmong([...answeredBy(queued), ...contextIds]), deps.edited.editsAmong(contextIds)]);
  return { deletedIds, edits };
}

function contextIdsOf(job: ParsedMessageJob): string[] {
  return job.context.flatMap((message) => (message.messageId ? [message.messageId] : []));
}

/** True when a message of the conversation was deleted or edited since `before` was read. */
function contextChanged(before: ConversationState, now: ConversationState, contextIds: readonly string[]): boolean {
  const deletedBefore = new Set(before.deletedIds);
  return contextIds.some((id) => (now.deletedIds.includes(id) && !deletedBefore.has(id)) || now.edits.get(id) !== before.edits.get(id));
}

/** One try at the reply, from the messages of the burst not deleted by now, and its conversation as it reads now. */
async function answer(
  queued: ParsedMessageJob,
  deps: MessageJobDeps,
  options: TryOptions,
  signal?: AbortSignal,
): Promise<MessageJobOutcome | typeof WRITE_AGAIN | typeof WRITE_AS_ANOTHER> {
  const read = await conversationState(queued, deps);
  const { deletedIds, edits } = read;
  // A burst some of whose messages were deleted is answered for the rest, without their text; and
  // no deleted message of the conversation reaches the prompt, nor an edited one as it first read.
  const job = withoutDeleted(withEditedContext(queued, edits), new Set(deletedIds));
  if (!job) return { status: 'skipped', reason: 'deleted' };
  const answered = answeredBy(job);
  if (await deps.ledger.find(answered)) return { status: 'skipped', reason: 'already-answered' };
  const target: ReplyTarget = { origin: job.origin, guildId: job.guildId, channelId: job.channelId, threadParentId: job.isThread ? job.parentId : null };
  if (await landedEarlier(answered, target, deps)) return { status: 'skipped', reason: 'already-answered' };

  // Where the last post failed for want of an admin's fix (this channel or thread, the channel whose
  // webhooks a thread's reply uses, or the whole server): no generation, no refused request.
  if (job.guildId) {
    const places = [job.channelId, ...(target.threadParentId ? [target.threadParentId] : []), serverPlace(job.guildId)];
    if (await deps.blocks.anyBlocked(places)) return { status: 'skipped', reason: 'cannot-post' };
  }

  const settings = await settingsOf(job, deps);
  const analysis = await classifyOne(deps.classifier, job.content);
  deps.logger.debug({ analysis }, 'classified');

  const refusal = shouldStayQuiet(job, settings, analysis);
  if (refusal) return { status: 'skipped', reason: refusal, emotion: analysis.emotion };

  const personaEmotion = pickPersona(analysis.scores, settings?.disabledPersonas ?? []);
  if (!personaEmotion) return { status: 'skipped', reason: 'no-persona-allowed', emotion: analysis.emotion };
  const voice = deps.personas[personaEmotion];

  // Taken only now that the bot will answer: a message it stays quiet on uses up no cooldown.
  const start = { scope: job.guildId ?? 'dm', channelId: job.channelId, userId: job.author.id, cooldowns: settings ?? NO_COOLDOWN };
  // Claimed under the job as queued, which no deletion between attempts (or tries) changes: a retry keeps its start.
  if (!(await deps.limiter.tryStart(start, replyIdOf(queued)))) return { status: 'skipped', reason: 'rate-limited', emotion: analysis.emotion };

  const content = await writeReply(job, deps, voice, signal);

  // Another worker may have answered while this one was generating (a stalled job moved on), or
  // the author may have deleted what this reply answers: what is left of a burst is written again.
  if (await deps.ledger.find(answered)) return { status: 'skipped', reason: 'already-answered' };
  const [now, settingsNow] = await Promise.all([conversationState(queued, deps), settingsOf(job, deps)]);
  const deletedSince = now.deletedIds.filter((id) => answered.includes(id));
  if (deletedSince.length > 0) {
    return withoutDeleted(job, new Set(deletedSince)) ? WRITE_AGAIN : { status: 'skipped', reason: 'deleted', emotion: analysis.emotion };
  }
  // An admin may have silenced the place or the persona while the reply was written (up to LLM_TIMEOUT_MS).
  const refusedNow = refusalNow(job, settingsNow, analysis, personaEmotion, options);
  if (refusedNow === WRITE_AS_ANOTHER) return WRITE_AS_ANOTHER;
  if (refusedNow) return { status: 'skipped', reason: refusedNow, emotion: analysis.emotion };
  // Someone took back what they wrote (edited or deleted) while the reply, which may quote it, was written.
  if (options.rewriteForContext && contextChanged(read, now, contextIdsOf(queued))) return WRITE_AGAIN;
  // The operator's persona wrote the reply; the server's look as it is now (its admins' name and
  // avatar) only shows it, so nothing an admin types becomes a line of the prompt.
  const persona = applyPersonaLook(voice, settingsNow?.personaLooks[personaEmotion]);
  let posted;
  try {
    await deps.ledger.recordAttempt(answered, { content, persona: persona.name, startedAt: Date.now() });
    posted = await deps.replier.post({
      target,
      persona,
      content,
      nonce: job.messageId,
      detected: { emotion: analysis.emotion, confidence: analysis.confidence },
    }, { log: deps.logger, signal });
  } catch (error) {
    // A moderator archived or locked the thread while the reply was written: posting would reopen it.
    if (isFeelbotError(error, ErrorCodes.ThreadClosed)) return { status: 'skipped', reason: 'thread-closed', emotion: analysis.emotion };
    if (!job.guildId || !isAdminProblem(error)) throw error;
    // Retrying can't grant a permission; tell the admins once and let the worker move on. Both go
    // under the place the problem is about: for a thread's reply that is often its parent channel,
    // whose webhooks it uses, so its other threads are blocked and reported with it.
    const about = placeOf(error, job.channelId);
    const place = error.details.scope === 'server' ? serverPlace(job.guildId) : about;
    await deps.blocks.block(place, error.code);
    await deps.notifier.notify({ guildId: job.guildId, channelId: about, place, code: error.code, message: error.message });
    return { status: 'skipped', reason: 'cannot-post', emotion: analysis.emotion };
  }
  await deps.ledger.record(answered, posted.messageId);
  return { status: 'posted', emotion: analysis.emotion, persona: personaEmotion, replyId: posted.messageId };
}

/**
 * A whole server as a blocked place. Not its bare id: a server made before 2017 shares its id
 * with its first channel, whose own block would then stop every channel of the server.
 */
function serverPlace(guildId: string): string {
  return `server:${guildId}`;
}

/** The channel an admin's problem is about, as the error names it; else the one replied in. */
function placeOf(error: FeelbotError, channelId: string): string {
  const named = error.details.channelId;
  return typeof named === 'string' ? named : channelId;
}

/** The messages a job's reply answers: its own and its burst's. */
function answeredBy(job: ParsedMessageJob): string[] {
  return [job.messageId, ...job.burst];
}

/**
 * True when an earlier attempt's post landed although it failed (a 5xx or a timeout after Discord
 * had posted): the ledger then records it, and this attempt posts nothing.
 */
async function landedEarlier(answered: readonly string[], target: ReplyTarget, deps: MessageJobDeps): Promise<boolean> {
  const attempt = await deps.ledger.findAttempt(answered);
  if (!attempt) return false;
  const landed = await deps.replier.findPosted(target, attempt);
  if (!landed) return false;
  await deps.ledger.record(answered, landed.messageId);
  deps.logger.info({ replyId: landed.messageId }, 'an earlier attempt had posted the reply before it failed');
  return true;
}

/**
 * A guild's settings as they read now; none for a DM. A read Redis fails is thrown, as the
 * ledger's, deletions' and edits' are: the attempt fails and is retried, never posted unchecked.
 */
async function settingsOf(job: ParsedMessageJob, deps: MessageJobDeps): Promise<GuildSettings | undefined> {
  return job.guildId ? deps.settings.get(job.guildId) : undefined;
}

/**
 * What settings read again once the reply is written say against posting it: the reason the start
 * would have given, WRITE_AS_ANOTHER when only its persona was disabled (another is allowed and a
 * rewrite is left), or undefined when nothing.
 */
function refusalNow(
  job: ParsedMessageJob,
  settings: GuildSettings | undefined,
  analysis: EmotionAnalysis,
  persona: Emotion,
  options: TryOptions,
): SkipReason | typeof WRITE_AS_ANOTHER | undefined {
  const quiet = shouldStayQuiet(job, settings, analysis);
  if (quiet) return quiet;
  if (!settings?.disabledPersonas.includes(persona)) return undefined;
  return options.rewriteForPersona && pickPersona(analysis.scores, settings.disabledPersonas) ? WRITE_AS_ANOTHER : 'no-persona-allowed';
}

function shouldStayQuiet(job: ParsedMessageJob, settings: GuildSettings | undefined, analysis: EmotionAnalysis): SkipReason | undefined {
  // No persona's voice fits a text nothing of which could be read (a bare link, another script), even when addressed.
  if (analysis.unreadable) return 'unreadable';
  if (!settings) return undefined; // DMs are always answered.
  const mode = replyModeFor(settings, { channelId: job.channelId, parentId: job.parentId, categoryId: job.categoryId });
  if (mode === 'off') return 'mode-off';
  if (mode === 'mention' && !job.addressed) return 'not-addressed';
  if (mode === 'auto' && !job.addressed && (analysis.neutral || analysis.confidence < AUTO_MODE_MIN_CONFIDENCE)) {
    return 'not-emotional';
  }
  return undefined;
}

/**
 * The reply, cleaned; GENERATION_EMPTY when nothing visible is left. That is retried: sampling
 * writes another reply, and the retry keeps the start it claimed (the same reply id).
 */
async function writeReply(job: ParsedMessageJob, deps: MessageJobDeps, persona: Persona, signal?: AbortSignal): Promise<string> {
  const prompt = buildPrompt({
    persona,
    context: job.context,
    message: { authorName: job.author.displayName, content: job.content },
  });
  deps.logger.debug({ persona: persona.name, prompt }, 'prompt');
  // "Typing" shows once the reply is being written, not while it waits for a sequence or is refused one.
  let stopTyping = () => undefined as void;
  const startTyping = () => {
    if (job.origin === 'discord' && job.typing) stopTyping = deps.typing.start(job.channelId);
  };
  try {
    // A LoRA persona whose sequences are busy gives the job's slot back (LLM_BUSY, retried shortly)
    // rather than holding it while other personas' replies could run.
    const result = await deps.generator.generate({ prompt, sampling: persona.sampling, loraPath: persona.lora, whenBusy: 'refuse', onStart: startTyping, signal });
    deps.metrics.observeGeneration(result.tokens, result.totalMs / 1_000);
    deps.logger.debug({ tokens: result.tokens, ms: result.totalMs, raw: result.text }, 'generated');
    const content = cleanReply(result.text, {
      personaName: persona.name,
      maxChars: persona.maxReplyChars,
      truncated: result.truncated,
      // The author's own text (the whole burst): only links they wrote may be repeated.
      answering: job.content,
    });
    if (!content) throw nothingVisible(persona, result.tokens);
    return content;
  } finally {
    stopTyping();
  }
}

function nothingVisible(persona: Persona, tokens: number): FeelbotError {
  return new FeelbotError(ErrorCodes.GenerationEmpty, `${persona.name}'s reply had nothing visible left to post.`, {
    permanent: false,
    details: { persona: persona.name, tokens },
  });
}
