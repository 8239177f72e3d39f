import { EMOTIONS, NEUTRAL, type EmotionOrNeutral } from './emotions.js';

/** How one model's labels land on feelbot's six emotions plus neutral. */
export type LabelMapping = Readonly<Record<string, EmotionOrNeutral>>;

const identity = Object.fromEntries([...EMOTIONS, NEUTRAL].map((label) => [label, label])) as LabelMapping;

/**
 * Mappings for the label sets common on the Hugging Face hub, tried in order. GoEmotions' follows
 * its own Ekman grouping, adjusted as the dataset README in shared/data describes.
 */
export const KNOWN_LABEL_MAPPINGS: Readonly<Record<string, LabelMapping>> = {
  feelbot: identity,
  /** dair-ai/emotion models that kept the generic names, in dair-ai's id order. */
  generic6: { LABEL_0: 'sadness', LABEL_1: 'joy', LABEL_2: 'love', LABEL_3: 'anger', LABEL_4: 'fear', LABEL_5: 'surprise' },
  /** Ekman's six plus neutral (e.g. j-hartmann/emotion-english-distilroberta-base). */
  ekman7: {
    anger: 'anger',
    disgust: 'anger',
    fear: 'fear',
    joy: 'joy',
    happiness: 'joy',
    neutral: NEUTRAL,
    sadness: 'sadness',
    surprise: 'surprise',
  },
  goemotions28: {
    sadness: 'sadness', grief: 'sadness', disappointment: 'sadness', remorse: 'sadness', embarrassment: 'sadness',
    joy: 'joy', amusement: 'joy', excitement: 'joy', gratitude: 'joy', optimism: 'joy', relief: 'joy',
    pride: 'joy', admiration: 'joy', approval: 'joy', desire: 'joy',
    love: 'love', caring: 'love',
    anger: 'anger', annoyance: 'anger', disapproval: 'anger', disgust: 'anger',
    fear: 'fear', nervousness: 'fear',
    surprise: 'surprise', realization: 'surprise', curiosity: 'surprise', confusion: 'surprise',
    neutral: NEUTRAL,
  },
  /**
   * Other common spellings, each label read by itself: DailyDialog's seven ("no emotion",
   * "happiness"), EmoEvent's ("others"), SemEval-2019 EmoContext's (happy, sad, angry, others). A
   * model with no label for an emotion (EmoContext has none for fear) scores that emotion 0.
   */
  synonyms: {
    sadness: 'sadness', sad: 'sadness',
    joy: 'joy', happiness: 'joy', happy: 'joy', joyful: 'joy',
    love: 'love',
    anger: 'anger', angry: 'anger',
    // As ekman7 and goemotions28 read it: feelbot has no disgust, and anger is its nearest.
    disgust: 'anger', disgusted: 'anger',
    fear: 'fear', scared: 'fear', fearful: 'fear', afraid: 'fear',
    surprise: 'surprise', surprised: 'surprise',
    neutral: NEUTRAL, 'no emotion': NEUTRAL, none: NEUTRAL, other: NEUTRAL, others: NEUTRAL,
  },
};

/** The name resolveLabelMapping gives an operator's own mapping. */
export const CUSTOM_LABEL_MAPPING = 'custom';

/** A mapping that covers every label, named after its KNOWN_LABEL_MAPPINGS key; or the labels none covers. */
export type MappingResult =
  | { readonly mapping: LabelMapping; readonly name: string; readonly unmapped: readonly string[] }
  | { readonly mapping?: undefined; readonly name?: undefined; readonly unmapped: readonly string[] };

const GENERIC_LABEL = /^label_\d+$/i;
/** Runs of spaces, underscores and hyphens: "no_emotion", "No-Emotion" and "no emotion" are one label. */
const SEPARATORS = /[\s_-]+/g;

/** The form labels are compared in: lower case, one space between words. */
function labelKey(label: string): string {
  return label.trim().toLowerCase().replace(SEPARATORS, ' ');
}

/**
 * Generic names (`LABEL_0`…) mean nothing by themselves, so a known mapping of them fits only a
 * model with exactly that label set: a 3-class sentiment model's LABEL_0..2 are not dair-ai's.
 */
function fitsOnlyWhole(candidate: LabelMapping): boolean {
  return Object.keys(candidate).every((label) => GENERIC_LABEL.test(label));
}

/**
 * Finds a mapping that covers every label of a model, label by label, ignoring case and separators;
 * the whole-set mappings are tried before the synonyms so that a model keeps its set's name. An
 * operator's own mapping wins over the known ones. A model that states no labels has none to map.
 */
export function resolveLabelMapping(labels: readonly string[], custom?: LabelMapping): MappingResult {
  if (labels.length === 0) return { unmapped: [] };
  const candidates = custom ? [[CUSTOM_LABEL_MAPPING, custom] as const] : Object.entries(KNOWN_LABEL_MAPPINGS);
  let best: MappingResult = { unmapped: labels };
  for (const [name, candidate] of candidates) {
    const lower = new Map(Object.entries(candidate).map(([label, target]) => [labelKey(label), target]));
    const unmapped = labels.filter((label) => !lower.has(labelKey(label)));
    if (!custom && fitsOnlyWhole(candidate) && labels.length !== lower.size) continue;
    if (unmapped.length === 0) {
      const mapping = Object.fromEntries(labels.map((label) => [label, lower.get(labelKey(label))!]));
      return { mapping, name, unmapped };
    }
    if (unmapped.length < best.unmapped.length) best = { unmapped };
  }
  return best;
}

/**
 * Whether the known mapping `name` guesses what a model's labels mean: generic names (`LABEL_0`…)
 * say nothing, so it assumes one training order, and only the model's card can confirm it.
 */
export function guessesLabelOrder(name: string): boolean {
  const known = name === CUSTOM_LABEL_MAPPING ? undefined : KNOWN_LABEL_MAPPINGS[name];
  return known !== undefined && fitsOnlyWhole(known);
}
