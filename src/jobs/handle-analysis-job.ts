import { buildAnalysisPrompt, ANALYSIS_LINE_MAX_CHARS, ANALYSIS_LINE_MAX_TOKENS } from '../domain/build-analysis-prompt.js';
import { cleanReply } from '../domain/clean-reply.js';
import type { EMOTIONS} from '../domain/emotions.js';
import { rankEmotions, type Emotion, type EmotionScores } from '../domain/emotions.js';
import type { Persona, PersonaSet } from '../domain/persona.js';
import { pickPersona } from '../domain/pick-persona.js';
import { applyPersonaLook } from '../domain/apply-persona-look.js';
import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';
import type { InteractionEmbed, InteractionResponder, ResponseFile } from '../ports/interaction-responder.js';
import type { Logger } from '../ports/logger.js';
import type { ReplyGenerator } from '../ports/reply-generator.js';
import type { SettingsStore } from '../ports/settings-store.js';
import { parseAnalysisJob, type AnalysisJob } from './analysis-job.js';

export const CHART_FILE = 'emotions.png';

export interface AnalysisJobDeps {
  readonly classifier: EmotionClassifier;
  readonly generator: ReplyGenerator;
  readonly personas: PersonaSet;
  readonly settings: SettingsStore;
  readonly responder: InteractionResponder;
  readonly renderChart: (scores: EmotionScores, personas: PersonaSet) => Buffer;
  readonly avatarImage: (persona: Persona) => Promise<{ fileName: string; bytes: Buffer }>;
  readonly logger: Logger;
}

export interface AnalysisOutcome {
  readonly status: 'answered';
  readonly emotion: Emotion;
  readonly persona: Emotion | null;
}

/** The story of /feel: classify, let the matching persona say one line, draw the chart, answer. */
export async function handleAnalysisJob(data: unknown, deps: AnalysisJobDeps, signal?: AbortSignal): Promise<AnalysisOutcome> {
  const job = parseAnalysisJob(data);
  const [analysis] = await deps.classifier.classify([job.text]);
  if (!analysis) throw new Error('The classifier returned no analysis for one input.');
  const settings = job.guildId ? await deps.settings.get(job.guildId) : undefined;
  const personaEmotion = pickPersona(analysis.scores, settings?.disabledPersonas ?? []);
  const persona = personaEmotion ? applyPersonaLook(deps.personas[personaEmotion], settings?.personaLooks[personaEmotion]) : undefined;
  const line = persona ? await personaLine(job, persona, deps, signal) : '';
  const files: ResponseFile[] = [{ name: CHART_FILE, data: deps.renderChart(analysis.scores, deps.personas), contentType: 'image/png' }];
  const hostedAvatar = persona && /^https:\/\//.test(persona.avatar) ? persona.avatar : undefined;
  const avatar = persona && !hostedAvatar ? await deps.avatarImage(persona).catch(() => undefined) : undefined;
  if (avatar) files.push({ name: avatar.fileName, data: avatar.bytes, contentType: 'image/png' });
  const iconUrl = hostedAvatar ?? (avatar ? `attachment://${avatar.fileName}` : undefined);
  await deps.responder.editOriginal(job.applicationId, job.token, {
    embeds: [analysisEmbed(analysis, deps.personas[analysis.emotion], persona, line, iconUrl)],
    files,
  });
  return { status: 'answered', emotion: analysis.emotion, persona: personaEmotion ?? null };
}

async function personaLine(job: AnalysisJob, persona: Persona, deps: AnalysisJobDeps, signal?: AbortSignal): Promise<string> {
  try {
    const result = await deps.generator.generate({
      prompt: buildAnalysisPrompt(persona, job.text, 'someone'),
      sampling: { ...persona.sampling, maxTokens: ANALYSIS_LINE_MAX_TOKENS },
      loraPath: persona.lora,
      signal,
    });
    return cleanReply(result.text, {
      personaName: persona.name,
      maxChars: ANALYSIS_LINE_MAX_CHARS,
      truncated: result.truncated,
      answering: job.text,
    });
  } catch (error) {
    // The analysis is the answer; the line is a bonus, so a failed generation still answers.
    deps.logger.warn({ err: error }, 'persona line failed');
    return '';
  }
}

function analysisEmbed(
  analysis: EmotionAnalysis,
  detected: Persona,
  speaker: Persona | undefined,
  line: string,
  iconUrl: string | undefined,
): InteractionEmbed {
  const percent = (value: number) => `${Math.round(value * 100)}%`;
  const neutralNote = analysis.neutral ? ' (mostly neutral)' : '';
  return {
    ...(speaker ? { author: { name: speaker.name, ...(iconUrl ? { iconUrl } : {}) } } : {}),
    title: `${detected.emoji} Core emotion: ${detected.name}, ${percent(analysis.confidence)} confident${neutralNote}`,
    ...(line ? { description: line } : {}),
    color: (speaker ?? detected).color,
    // The text fallback of the chart, for screen readers and clients that hide images.
    fields: [
      {
        name: 'Scores',
        value: rankEmotions(analysis.scores)
          .map((emotion) => `${emotion === analysis.emotion ? '**' : ''}${capitalize(emotion)} ${percent(analysis.scores[emotion])}${emotion === analysis.emotion ? '**' : ''}`)
          .join(' · '),
      },
    ],
    imageUrl: `attachment://${CHART_FILE}`,
  };
}

function capitalize(emotion: (typeof EMOTIONS)[number]): string {
  return emotion[0]!.toUpperCase() + emotion.slice(1);
}
