import { EMOTIONS, NEUTRAL, type EmotionOrNeutral } from './emotions.js';

/** Where one label lands: one of feelbot's six emotions, neutral, or IGNORED_LABEL. */
export type LabelTarget = EmotionOrNeutral | null;

/** How one model's labels land on feelbot's six emotions plus neutral; a label may be ignored. */
export type LabelMapping = Readonly<Record<string, LabelTarget>>;

/**
 * The target of a label that is none of feelbot's outcomes (GoEmotions' confusion and desire): it
 * counts as mapped, and its score counts for no emotion and not for neutral (aggregateScores).
 */
export const IGNORED_LABEL = null;

const identity = Object.fromEntries([...EMOTIONS, NEUTRAL].map((label) => [label, label])) as LabelMapping;

/**
 * Mappings for the label sets common on the Hugging Face hub, tried in order. GoEmotions' is the
 * one feelbot is evaluated with (shared/data/goemotions/README.md, training's labels.py).
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
    pride: 'joy', admiration: 'joy', approval: 'joy',
    love: 'love', caring: 'love',
    anger: 'anger', annoyance: 'anger', disapproval: 'anger', disgust: 'anger',
    fear: 'fear', nervousness: 'fear',
    surprise: 'surprise', realization: 'surprise', curiosity: 'surprise',
    neutral: NEUTRAL,
    // Unlike GoEmotions' own Ekman grouping (joy, surprise), the dataset README maps these to none.
    desire: IGNORED_LABEL, confusion: IGNORED_LABEL,
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

/** A mapping that covers every label, named after its KNOWN_LABEL_MAPPINGS key or CUSTOM_LABEL_MAPPING; or the labels none covers. */
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

/** A mapping's labels in the form they are compared in. */
function keyed(mapping: LabelMapping): Map<string, LabelTarget> {
  return new Map(Object.entries(mapping).map(([label, target]) => [labelKey(label), target]));
}

/** The first known mapping that covers every one of `labels`, or the fewest of them any leaves unmapped. */
type Covering =
  | { readonly name: string; readonly targets: ReadonlyMap<string, LabelTarget> }
  | { readonly name?: undefined; readonly unmapped: readonly string[] };

/**
 * The whole-set mappings are tried before the synonyms so that a model keeps its set's name. A
 * generic one fits only a model of exactly its size, and never beside an operator's map: an
 * operator who maps some `LABEL_n` knows their order, so the rest are not guessed.
 */
function coveringKnownMapping(labels: readonly string[], modelLabels: number, mayGuess: boolean): Covering {
  let unmapped = labels;
  for (const [name, candidate] of Object.entries(KNOWN_LABEL_MAPPINGS)) {
    const targets = keyed(candidate);
    if (fitsOnlyWhole(candidate) && (!mayGuess || modelLabels !== targets.size)) continue;
    const missing = labels.filter((label) => !targets.has(labelKey(label)));
    if (missing.length === 0) return { name, targets };
    if (missing.length < unmapped.length) unmapped = missing;
  }
  return { unmapped };
}

/**
 * Maps every label of a model, label by label, ignoring case and separators: through the
 * operator's own mapping first, then the known ones, so an operator's map need only name the
 * labels feelbot cannot map, and overrides any it can. A model that states no labels has none to map.
 */
export function resolveLabelMapping(labels: readonly string[], custom?: LabelMapping): MappingResult {
  if (labels.length === 0) return { unmapped: [] };
  const own = keyed(custom ?? {});
  const rest = labels.filter((label) => !own.has(labelKey(label)));
  const known = coveringKnownMapping(rest, labels.length, !custom);
  if (known.name === undefined) return { unmapped: known.unmapped };
  const targets = new Map([...known.targets, ...own]);
  const mapping = Object.fromEntries(labels.map((label) => [label, targets.get(labelKey(label)) as LabelTarget]));
  return { mapping, name: rest.length < labels.length ? CUSTOM_LABEL_MAPPING : known.name, unmapped: [] };
}

/**
 * Whether the known mapping `name` guesses what a model's labels mean: generic names (`LABEL_0`…)
 * say nothing, so it assumes one training order, and only the model's card can confirm it.
 */
export function guessesLabelOrder(name: string): boolean {
  const known = name === CUSTOM_LABEL_MAPPING ? undefined : KNOWN_LABEL_MAPPINGS[name];
  return known !== undefined && fitsOnlyWhole(known);
}
