import { emotionLabel, rankEmotions } from '../domain/emotions.js';
import type { Persona } from '../domain/persona.js';
import { wholePercents } from '../domain/whole-percents.js';
import type { EmotionAnalysis } from '../ports/emotion-classifier.js';
import type { InteractionEmbed } from '../ports/interaction-responder.js';

/** The chart's attachment name, which the card's image points at. */
export const CHART_FILE = 'emotions.png';

/** What the Scores field's percentages are: the six emotions' shares, as the chart draws them. */
export const SCORES_FIELD_NAME = 'Emotion mix (neutral left out)';

/** Who is shown on the card: the emotion found, and the persona saying its line (if one may). */
export interface CardPeople {
  /** The found emotion's persona, for its emoji and colour; the title names the emotion, whatever PERSONAS_FILE calls the persona. */
  readonly detected: Persona;
  readonly speaker: Persona | undefined;
  /** The speaker's avatar: its URL, or `attachment://` of an attached image. */
  readonly iconUrl: string | undefined;
}

/**
 * The /feel card. Its one set of percentages is `scores`, the six emotions' shares as whole
 * percents adding up to 100 (wholePercents), in the field and the chart alike; how much of the
 * text carries no strong emotion is said in the title, in its own words. `confidence` (a share of everything, neutral included) stays off the card: next
 * to the six-way share it gave the core emotion two contradicting percentages.
 */
export function analysisCard(analysis: EmotionAnalysis, people: CardPeople, line: string): InteractionEmbed {
  const { detected, speaker, iconUrl } = people;
  const shares = wholePercents(analysis.scores);
  return {
    ...(speaker ? { author: { name: speaker.name, ...(iconUrl ? { iconUrl } : {}) } } : {}),
    title: `${detected.emoji} Core emotion: ${emotionLabel(analysis.emotion)}${neutralNote(analysis)}`,
    ...(line ? { description: line } : {}),
    color: (speaker ?? detected).color,
    // The text fallback of the chart, for screen readers and clients that hide images.
    fields: [
      {
        name: SCORES_FIELD_NAME,
        value: rankEmotions(analysis.scores)
          .map((emotion) => {
            const score = `${emotionLabel(emotion)} ${shares[emotion]}%`;
            return emotion === analysis.emotion ? `**${score}**` : score;
          })
          .join(' · '),
      },
    ],
    imageUrl: `attachment://${CHART_FILE}`,
  };
}

function neutralNote(analysis: EmotionAnalysis): string {
  if (!analysis.neutral) return '';
  const share = neutralShare(analysis);
  // A model without a neutral class (or the LLM) calls a text neutral for a weak top emotion, and a
  // multi-label one for no emotion firing or its neutral label outscoring them: no share to give.
  return Math.round(share * 100) > 0 ? ` (mostly neutral: ${percent(share)} no strong emotion)` : ' (mostly neutral: no emotion stands out)';
}

/**
 * The neutral class's share of the text, 0 for a model without one. For a softmax `confidence` is
 * the top emotion's share of all mass and `scores` its share of the emotions' mass (aggregateScores),
 * so their ratio is the emotions' part of the whole and the rest is neutral's. A multi-label model's
 * sigmoids are no distribution: nothing is a share of it.
 */
function neutralShare(analysis: EmotionAnalysis): number {
  if (analysis.multiLabel) return 0;
  const topScore = analysis.scores[analysis.emotion];
  if (topScore <= 0) return 1;
  return Math.min(1, Math.max(0, 1 - analysis.confidence / topScore));
}

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}
