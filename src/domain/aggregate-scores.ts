import { EMOTIONS, NEUTRAL, rankEmotions, type EmotionScores } from './emotions.js';
import type { LabelMapping } from './label-mapping.js';
import type { EmotionAnalysis } from './emotion-analysis.js';
import { neutralThresholdFor } from './neutral-threshold.js';

export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

export interface AggregateOptions {
  /** True when the model has a neutral class; else low confidence means neutral. */
  readonly hasNeutral: boolean;
  /**
   * Under this confidence a model without a neutral class calls a text neutral. Defaults to
   * neutralThresholdFor the number of emotions the mapping maps onto: 0.45 for six, 0.67 for two.
   */
  readonly neutralThreshold?: number;
  /**
   * True when the scores are independent per-label sigmoids (`problem_type:
   * "multi_label_classification"`), not one softmax. Defaults to false.
   */
  readonly multiLabel?: boolean;
}

/**
 * The mass each of the seven outcomes gets. A softmax's probabilities add up, so mapped labels are
 * summed. Sigmoids do not: summing them would favour an emotion with many labels (GoEmotions maps
 * ten onto joy, two onto fear), so each outcome takes its strongest label and the seven are
 * renormalised into a distribution.
 */
function massPerOutcome(labelScores: readonly LabelScore[], mapping: LabelMapping, multiLabel: boolean): Record<string, number> {
  const mass: Record<string, number> = Object.fromEntries([...EMOTIONS, NEUTRAL].map((label) => [label, 0]));
  for (const { label, score } of labelScores) {
    const target = mapping[label];
    if (target) mass[target] = multiLabel ? Math.max(mass[target] ?? 0, score) : (mass[target] ?? 0) + score;
  }
  if (!multiLabel) return mass;
  const total = Object.values(mass).reduce((sum, value) => sum + value, 0);
  return total > 0 ? Object.fromEntries(Object.entries(mass).map(([label, value]) => [label, value / total])) : mass;
}

/**
 * Turns a model's label scores into feelbot's analysis: mass per target emotion (see
 * massPerOutcome); `confidence` is the top emotion's share of all mass (neutral included), and
 * `scores` are the six emotions renormalised to sum to 1.
 */
export function aggregateScores(labelScores: readonly LabelScore[], mapping: LabelMapping, options: AggregateOptions): EmotionAnalysis {
  const mass = massPerOutcome(labelScores, mapping, options.multiLabel ?? false);
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
    : confidence < (options.neutralThreshold ?? neutralThresholdFor(emotionsMappedOnto(mapping)));
  return { emotion, confidence, neutral, scores };
}

/**
 * How many of the six emotions a model's labels land on: the outcomes its confidence is shared
 * among, neutral aside. resolveLabelMapping's mapping holds only the model's own labels.
 */
function emotionsMappedOnto(mapping: LabelMapping): number {
  return new Set(Object.values(mapping).filter((target) => target !== NEUTRAL)).size;
}
