import { EMOTIONS, NEUTRAL, rankEmotions, type EmotionScores } from './emotions.js';
import type { LabelMapping } from './label-mapping.js';
import type { EmotionAnalysis } from '../ports/emotion-classifier.js';

/**
 * Under this probability a model without a neutral class is treated as unsure, i.e. neutral.
 * Chosen for six classes: a uniform guess scores 0.17, a clear one above 0.7.
 */
export const DEFAULT_NEUTRAL_THRESHOLD = 0.45;

export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

/**
 * Turns a model's label probabilities into feelbot's analysis: probability mass is summed per
 * target emotion; `confidence` is the top emotion's share of all mass (neutral included), and
 * `scores` are the six emotions renormalised to sum to 1.
 */
export function aggregateScores(
  labelScores: readonly LabelScore[],
  mapping: LabelMapping,
  options: { readonly hasNeutral: boolean; readonly neutralThreshold?: number },
): EmotionAnalysis {
  const mass: Record<string, number> = Object.fromEntries([...EMOTIONS, NEUTRAL].map((label) => [label, 0]));
  for (const { label, score } of labelScores) {
    const target = mapping[label];
    if (target) mass[target] = (mass[target] ?? 0) + score;
  }
  const total = Object.values(mass).reduce((sum, value) => sum + value, 0) || 1;
  const emotionTotal = EMOTIONS.reduce((sum, emotion) => sum + (mass[emotion] ?? 0), 0);
  const scores = Object.fromEntries(
    EMOTIONS.map((emotion) => [emotion, emotionTotal > 0 ? (mass[emotion] ?? 0) / emotionTotal : 1 / EMOTIONS.length]),
  ) as EmotionScores;
  const emotion = rankEmotions(scores)[0]!;
  const confidence = (mass[emotion] ?? 0) / total;
  const neutralMass = (mass[NEUTRAL] ?? 0) / total;
  const neutral = options.hasNeutral
    ? neutralMass > confidence
    : confidence < (options.neutralThreshold ?? DEFAULT_NEUTRAL_THRESHOLD);
  return { emotion, confidence, neutral, scores };
}
