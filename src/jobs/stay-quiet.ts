import type { Emotion } from '../domain/emotions.js';
import { AUTO_MODE_MIN_CONFIDENCE, replyModeFor, type GuildSettings } from '../domain/guild-settings.js';
import { pickPersona } from '../domain/pick-persona.js';
import type { EmotionAnalysis } from '../ports/emotion-classifier.js';
import type { SkipReason } from './message-job-outcome.js';
import type { ParsedMessageJob } from './message-job.js';
import { WRITE_AS_ANOTHER, type TryOptions } from './write-again.js';

/** Why the bot stays quiet on a message, by its text and the place's reply mode; undefined when it answers. */
export function shouldStayQuiet(job: ParsedMessageJob, settings: GuildSettings | undefined, analysis: EmotionAnalysis): SkipReason | undefined {
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
 * What settings read again once the reply is written say against posting it: the reason the start
 * would have given, WRITE_AS_ANOTHER when only its persona was disabled (another is allowed and a
 * rewrite is left), or undefined when nothing.
 */
export function refusalNow(
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
