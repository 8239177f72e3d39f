import { buildAnalysisPrompt, ANALYSIS_LINE_MAX_CHARS, ANALYSIS_LINE_MAX_TOKENS } from '../domain/build-analysis-prompt.js';
import { cleanReply } from '../domain/clean-reply.js';
import type { Emotion, EmotionScores } from '../domain/emotions.js';
import type { Persona, PersonaSet } from '../domain/persona.js';
import type { GuildSettings } from '../domain/guild-settings.js';
import { pickPersona } from '../domain/pick-persona.js';
import { ErrorCodes, FeelbotError } from '../errors.js';
import type { ChannelBlocks } from '../ports/channel-blocks.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { InteractionEmbed, InteractionResponder, InteractionResponse, ResponseFile } from '../ports/interaction-responder.js';
import type { Logger } from '../ports/logger.js';
import type { Metrics } from '../ports/metrics.js';
import type { ReplyGenerator } from '../ports/reply-generator.js';
import type { SettingsStore } from '../ports/settings-store.js';
import { analysisCard, CHART_FILE } from './analysis-card.js';
import { serverLeft } from './blocked-places.js';
import { parseAnalysisJob, type AnalysisJob } from './analysis-job.js';
import { cardSpeaker } from './card-speaker.js';
import { classifyOne } from './classify-one.js';
import { generateWithoutLoraWait } from './generate-without-lora-wait.js';
import { tokenMsLeft } from './interaction-lifetime.js';
import type { JobHold } from './job-hold.js';
import { sendAnalysisAnswer } from './send-analysis-answer.js';
import { tellAsker } from './tell-asker.js';

/** Classifying, drawing and editing fit in a minute, which also covers clock skew between gateway and worker. */
const ANSWER_MARGIN_MS = 60_000;
/**
 * A persona line is tried only with this much of the token left; it is cut off (and the analysis
 * answered without it) once only the answer's margin is left, however long its generation or its
 * wait for a free sequence would take.
 */
const LINE_MARGIN_MS = ANSWER_MARGIN_MS + 60_000;
/** With less of the token left than an answer needs but at least this much, the user is told to try again. */
const LATE_NOTICE_MS = 5_000;

export interface AnalysisJobDeps {
  readonly classifier: EmotionClassifier;
  readonly generator: ReplyGenerator;
  readonly personas: PersonaSet;
  readonly settings: SettingsStore;
  readonly responder: InteractionResponder;
  /** Where the gateway marks a server that removed the bot (GUILD_LEFT): its /feel texts are not analysed or answered. */
  readonly blocks: Pick<ChannelBlocks, 'blockedBy'>;
  readonly renderChart: (scores: EmotionScores, personas: PersonaSet) => Buffer;
  /** The persona's avatar to attach; `fileName` is what `attachment://` finds, so one Discord resolves and never CHART_FILE. */
  readonly avatarImage: (persona: Persona) => Promise<{ fileName: string; bytes: Buffer; contentType: string }>;
  /** The persona's public avatar URL, where replies use one (its own URL, or AVATAR_BASE_URL's); else its image is attached. */
  readonly avatarUrl: (persona: Persona) => string | undefined;
  readonly logger: Logger;
  /** Where the persona line's generation is counted, as a reply's is. */
  readonly metrics: Metrics;
}

/** Which run of its job this is (the worker's JobRun); outside a worker, the first, which always holds its job. */
export type AnalysisRun = { readonly started: number } & Partial<JobHold>;

export type AnalysisOutcome =
  | { readonly status: 'answered'; readonly emotion: Emotion; readonly persona: Emotion | null }
  /** Nothing in the text could be read: told so, with no emotion named and no persona speaking. */
  | { readonly status: 'answered'; readonly emotion: null; readonly persona: null }
  /** Queued past its token's lifetime (a worker outage, say): no answer could reach Discord. */
  | { readonly status: 'skipped'; readonly reason: 'interaction-expired' }
  /**
   * A later run of a job whose earlier run's edit landed though its request failed (a 502 after
   * Discord applied it), or whose private card reached, or may have reached, its asker before a later step failed.
   */
  | { readonly status: 'skipped'; readonly reason: 'answered-earlier' }
  /**
   * Its server removed the bot (asked just before, or while the answer was made): the server's
   * texts are neither analysed nor shown there any more, as its reply jobs are not.
   */
  | { readonly status: 'skipped'; readonly reason: 'left-server' };

/**
 * The story of /feel: check the interaction still waits for an answer and can still get one,
 * classify, let the matching persona say one line if there is time, draw the chart, answer.
 */
export async function handleAnalysisJob(data: unknown, deps: AnalysisJobDeps, signal?: AbortSignal, run: AnalysisRun = { started: 1 }): Promise<AnalysisOutcome> {
  const job = parseAnalysisJob(data);
  if (await answeredEarlier(job, deps, run)) return { status: 'skipped', reason: 'answered-earlier' };
  if (msLeft(job) < ANSWER_MARGIN_MS) {
    deps.logger.info({ interactionId: job.interactionId, ageMs: Date.now() - job.receivedAt }, '/feel skipped: its interaction expired while queued');
    if (msLeft(job) >= LATE_NOTICE_MS) await tellTooLate(job, deps);
    return { status: 'skipped', reason: 'interaction-expired' };
  }
  if (await leftServer(job, deps)) return { status: 'skipped', reason: 'left-server' };
  const analysis = await classifyOne(deps.classifier, job.rawText ?? job.text);
  if (analysis.unreadable) {
    await answer(job, { embeds: [UNREADABLE_EMBED], files: [] }, await serverSettings(job, deps), deps, run);
    return { status: 'answered', emotion: null, persona: null };
  }
  const personaEmotion = pickPersona(analysis.scores, (await serverSettings(job, deps))?.disabledPersonas ?? []);
  // The line is a bonus: with too little of the token left, the analysis goes without it.
  // Written by the operator's persona; the server's look only shows it (an admin's name is no prompt line).
  const line = personaEmotion && msLeft(job) >= LINE_MARGIN_MS ? await personaLine(job, deps.personas[personaEmotion], deps, signal) : '';
  // Read again, as a chat reply's are: the line can take minutes, and "changes apply at once, also
  // to replies already being written" (an admin may have silenced its persona, or the channel).
  const settingsNow = await serverSettings(job, deps);
  const persona = cardSpeaker(personaEmotion, settingsNow, deps.personas);
  const files: ResponseFile[] = [{ name: CHART_FILE, data: deps.renderChart(analysis.scores, deps.personas), contentType: 'image/png' }];
  const hostedAvatar = persona ? deps.avatarUrl(persona) : undefined;
  const avatar = persona && !hostedAvatar ? await deps.avatarImage(persona).catch(() => undefined) : undefined;
  if (avatar) files.push({ name: avatar.fileName, data: avatar.bytes, contentType: avatar.contentType });
  const iconUrl = hostedAvatar ?? (avatar ? `attachment://${avatar.fileName}` : undefined);
  // Asked again: the persona line can take minutes, and the server may have removed the bot meanwhile.
  if (await leftServer(job, deps)) return { status: 'skipped', reason: 'left-server' };
  const card = analysisCard(analysis, { detected: deps.personas[analysis.emotion], speaker: persona, iconUrl }, persona ? line : '');
  await answer(job, { embeds: [card], files }, settingsNow, deps, run);
  return { status: 'answered', emotion: analysis.emotion, persona: persona && personaEmotion ? personaEmotion : null };
}

/** The server's settings as they read now; none for a DM or a user install's request in a server without the bot. */
async function serverSettings(job: AnalysisJob, deps: AnalysisJobDeps): Promise<GuildSettings | undefined> {
  return job.guildId ? deps.settings.get(job.guildId) : undefined;
}

/** Sends `response` while the run still holds its job: in place, or privately where the public /feel's place was turned off meanwhile. */
async function answer(job: AnalysisJob, response: InteractionResponse, settingsNow: GuildSettings | undefined, deps: AnalysisJobDeps, run: AnalysisRun): Promise<void> {
  await ensureStillHeld(run);
  // The hold goes along: a private card's wait on Redis for its note may outlast the run's lock.
  const delivery = await sendAnalysisAnswer(job, response, settingsNow, deps.responder, run);
  if (delivery === 'privately') deps.logger.info({ interactionId: job.interactionId, channelId: job.channelId }, '/feel answered privately: its channel was turned off after it was asked');
}

/**
 * The answer for a text the classifier could read nothing in: saying so, rather than naming the
 * first label of even scores as its core emotion and letting that persona speak.
 */
const UNREADABLE_EMBED: InteractionEmbed = {
  title: 'No emotion found',
  description: 'There is nothing in this text I can read for emotion: I read English words, not links, code or other scripts.',
};

/**
 * A later run (after a failure, a stall or a delay) first reads what the user sees: an earlier
 * run's edit may have landed though its request failed, and answering again would replace it; its
 * private card may have reached its asker, and sending it again would show it twice (the responder
 * then removes the public placeholder it left). With too little of the token left for any request,
 * nothing is read (nor sent).
 */
async function answeredEarlier(job: AnalysisJob, deps: AnalysisJobDeps, run: AnalysisRun): Promise<boolean> {
  if (run.started <= 1 || msLeft(job) < LATE_NOTICE_MS) return false;
  const answered = await deps.responder.hasAnswered(job.applicationId, job.token);
  if (answered) deps.logger.info({ interactionId: job.interactionId, run: run.started }, '/feel already answered by an earlier run');
  return answered;
}

/**
 * JOB_LOST, sending nothing, once the run no longer holds its job: a worker paused past its lock
 * (docker pause, a VM stall, Redis out of reach) resumes where it stopped, and its edit would
 * replace the card the worker that took the job over has answered with. Stops it too once the
 * worker's sends are closed (its stop is near), with that signal's reason.
 */
async function ensureStillHeld(run: AnalysisRun): Promise<void> {
  // A stopping worker starts no answer its stop could leave running: the job goes back to the queue instead.
  run.sendsClosed?.throwIfAborted();
  if (run.holdsJob && !(await run.holdsJob())) throw new FeelbotError(ErrorCodes.JobLost, 'This run lost its /feel to another worker before answering it.');
}

/**
 * In place of a "thinking…" that would never end: one quick notice, to the asker alone, while the token still takes it.
 * A failure here is logged; the user is no worse off than without it.
 */
async function tellTooLate(job: AnalysisJob, deps: AnalysisJobDeps): Promise<void> {
  try {
    await tellAsker(deps.responder, job, 'Sorry, this analysis waited too long to be answered. Please try again.');
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not tell the user their /feel came too late');
  }
}

/** Whether the /feel's server removed the bot, logged when it has; never for a DM. */
async function leftServer(job: AnalysisJob, deps: AnalysisJobDeps): Promise<boolean> {
  if (!(await serverLeft(job, deps))) return false;
  deps.logger.info({ interactionId: job.interactionId, guildId: job.guildId }, '/feel skipped: its server removed the bot');
  return true;
}

/** How long the interaction token of `job` still lives. */
function msLeft(job: AnalysisJob): number {
  return tokenMsLeft(job.receivedAt);
}

async function personaLine(job: AnalysisJob, persona: Persona, deps: AnalysisJobDeps, signal?: AbortSignal): Promise<string> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('the interaction token is about to expire')), msLeft(job) - ANSWER_MARGIN_MS);
  try {
    // As a chat reply's: all the characters' names, so that no line goes on as another of them.
    const prompt = buildAnalysisPrompt(persona, job.text, 'someone', Object.values(deps.personas).map((character) => character.name));
    // Not waiting for a busy LoRA context: the /feel would hold a worker slot other replies need.
    const result = await generateWithoutLoraWait(deps.generator, {
      prompt,
      sampling: { ...persona.sampling, maxTokens: ANALYSIS_LINE_MAX_TOKENS },
      loraPath: persona.lora,
      signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
    }, deps.logger.child({ persona: persona.name }));
    deps.metrics.observeGeneration('feel', result.tokens, result.totalMs / 1_000);
    return cleanReply(result.text, {
      personaName: persona.name,
      maxChars: ANALYSIS_LINE_MAX_CHARS,
      truncated: result.truncated,
      stoppedAtStopTrigger: result.stoppedAtStopTrigger,
      answering: job.text,
      // Whom the prompt quoted: the line ends where the model goes on as one of them.
      speakers: prompt.speakers,
    });
  } catch (error) {
    // The analysis is the answer; the line is a bonus, so a failed generation still answers.
    deps.logger.warn({ err: error }, 'persona line failed');
    return '';
  } finally {
    clearTimeout(timer);
  }
}
