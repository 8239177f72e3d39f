import { EMOTIONS } from './emotions.js';

/**
 * Under this confidence a model that maps onto all six emotions and has no neutral class calls a
 * text neutral: a uniform guess scores 0.17, a clear one above 0.7.
 */
export const SIX_EMOTION_NEUTRAL_THRESHOLD = 0.45;

/** How far SIX_EMOTION_NEUTRAL_THRESHOLD sits from a uniform guess over six towards certainty (0.34). */
const PLACE_BETWEEN_GUESS_AND_CERTAINTY = (SIX_EMOTION_NEUTRAL_THRESHOLD - 1 / EMOTIONS.length) / (1 - 1 / EMOTIONS.length);

/**
 * The neutral threshold for a model without a neutral class whose labels map onto `emotions` of
 * feelbot's emotions: as far from a uniform guess (1/k) towards certainty (1) as 0.45 is for six,
 * since a two-emotion model's top emotion never scores under 0.5 (about 0.67 for two, 0.56 for three).
 */
export function neutralThresholdFor(emotions: number): number {
  // One emotion (or none) leaves nothing to be unsure between: its top emotion always has all the mass.
  const uniformGuess = 1 / Math.max(emotions, 1);
  return uniformGuess + PLACE_BETWEEN_GUESS_AND_CERTAINTY * (1 - uniformGuess);
}

/**
 * Under this score a multi-label model's top emotion does not apply, so the text is neutral: each
 * label is its own sigmoid, and 0.5 is where it says yes, whatever the other labels score.
 */
export const MULTI_LABEL_NEUTRAL_THRESHOLD = 0.5;
