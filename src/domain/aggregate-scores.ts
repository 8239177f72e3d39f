import { EMOTIONS, NEUTRAL, rankEmotions, type Emotion, type EmotionScores } from './emotions.js';
import { IGNORED_LABEL, type LabelMapping } from './label-mapping.js';
import type { EmotionAnalysis } from './emotion-analysis.js';
import { MULTI_LABEL_NEUTRAL_THRESHOLD, neutralThresholdFor } from './neutral-threshold.js';

export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

export interface AggregateOptions {
  /** True when the model has a neutral class; else low confidence means neutral. */
  readonly hasNeutral: boolean;
  /**
   * Under this confidence a text is neutral: for a single-label model only when it has no neutral
   * class. Defaults to neutralThresholdFor the number of emotions the mapping maps onto (0.45 for
   * six, 0.67 for two, or for one beside an ignored label), and for a multi-label model, with or
   * without a neutral class, to MULTI_LABEL_NEUTRAL_THRESHOLD (0.5).
   */
  readonly neutralThreshold?: number;
  /**
   * True when the scores are independent per-label sigmoids (`problem_type:
   * "multi_label_classification"`), not one softmax. Defaults to false.
   */
  readonly multiLabel?: boolean;
}

/**
 * Where an ignored label's mass goes: into a softmax's total (readSoftmax), so a text a model reads
 * mostly as GoEmotions' "confusion" is no confident emotion; no emotion or neutral reads it.
 */
const IGNORED_MASS = 'ignored';

/**
 * The mass each of the seven outcomes gets. A softmax's probabilities add up, so mapped labels are
 * summed. Sigmoids do not: summing them would favour an emotion with many labels (GoEmotions maps
 * nine onto joy, two onto fear), so each outcome takes its strongest label.
 */
function massPerOutcome(labelScores: readonly LabelScore[], mapping: LabelMapping, multiLabel: boolean): Record<string, number> {
  const mass: Record<string, number> = Object.fromEntries([...EMOTIONS, NEUTRAL].map((label) => [label, 0]));
  for (const { label, score } of labelScores) {
    const target = mapping[label] === IGNORED_LABEL ? IGNORED_MASS : mapping[label];
    if (target) mass[target] = multiLabel ? Math.max(mass[target] ?? 0, score) : (mass[target] ?? 0) + score;
  }
  return mass;
}

/**
 * Turns a model's label scores into feelbot's analysis: mass per target emotion (see
 * massPerOutcome), and `scores` the six emotions' mass rescaled to sum to 1, for display. For a
 * softmax `confidence` is the top emotion's share of all mass (neutral included); for sigmoids it
 * is the top emotion's own score, which says how much it applies whatever the others score.
 */
export function aggregateScores(labelScores: readonly LabelScore[], mapping: LabelMapping, options: AggregateOptions): EmotionAnalysis {
  const multiLabel = options.multiLabel ?? false;
  const mass = massPerOutcome(labelScores, mapping, multiLabel);
  const emotionTotal = EMOTIONS.reduce((sum, emotion) => sum + (mass[emotion] ?? 0), 0);
  const scores = Object.fromEntries(
    EMOTIONS.map((emotion) => [emotion, emotionTotal > 0 ? (mass[emotion] ?? 0) / emotionTotal : 1 / EMOTIONS.length]),
  ) as EmotionScores;
  const emotion = rankEmotions(scores)[0]!;
  const { confidence, neutral } = multiLabel ? readSigmoids(mass, emotion, options) : readSoftmax(mass, emotion, mapping, options);
  return { emotion, confidence, neutral, scores, ...(multiLabel ? { multiLabel: true as const } : {}) };
}

/** A softmax: the top emotion's share of all mass, ignored labels' included; neutral when the neutral class outweighs it or, without one, under the threshold. */
function readSoftmax(mass: Record<string, number>, emotion: Emotion, mapping: LabelMapping, options: AggregateOptions): Reading {
  const total = Object.values(mass).reduce((sum, value) => sum + value, 0) || 1;
  const confidence = (mass[emotion] ?? 0) / total;
  const neutralMass = (mass[NEUTRAL] ?? 0) / total;
  const neutral = options.hasNeutral
    ? neutralMass > confidence
    : confidence < (options.neutralThreshold ?? defaultNeutralThreshold(mapping));
  return { confidence, neutral };
}

/**
 * Sigmoids: the top emotion's own score. Rescaling them to a distribution would make whatever is
 * relatively highest confident however small (8% annoyance read as anger at 0.6), so the text is
 * neutral when no emotion fires, or when neutral's own score is at least the top emotion's.
 */
function readSigmoids(mass: Record<string, number>, emotion: Emotion, options: AggregateOptions): Reading {
  const confidence = mass[emotion] ?? 0;
  const neutral =
    confidence < (options.neutralThreshold ?? MULTI_LABEL_NEUTRAL_THRESHOLD) || (options.hasNeutral && (mass[NEUTRAL] ?? 0) >= confidence);
  return { confidence, neutral };
}

/** How sure the top emotion is, and whether the text counts as neutral. */
type Reading = Pick<EmotionAnalysis, 'confidence' | 'neutral'>;

/**
 * neutralThresholdFor the emotions the mapping maps onto. A one-emotion model with an ignored label
 * ({"fear": "fear", "not_fear": null}) shares its confidence with that label, so it counts as two
 * outcomes: certainty, one emotion's threshold, would call every text neutral. With two emotions or
 * more, ignored labels stay out of the count (GoEmotions' confusion and desire change no threshold).
 */
function defaultNeutralThreshold(mapping: LabelMapping): number {
  const emotions = emotionsMappedOnto(mapping);
  return neutralThresholdFor(emotions === 1 && Object.values(mapping).includes(IGNORED_LABEL) ? 2 : emotions);
}

/**
 * How many of the six emotions a model's labels land on: the outcomes its confidence is shared
 * among, neutral aside. resolveLabelMapping's mapping holds only the model's own labels.
 */
function emotionsMappedOnto(mapping: LabelMapping): number {
  return new Set(Object.values(mapping).filter((target) => target !== NEUTRAL && target !== IGNORED_LABEL)).size;
}
