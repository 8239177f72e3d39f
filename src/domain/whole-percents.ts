import { EMOTIONS, rankEmotions, type Emotion, type EmotionScores } from './emotions.js';

/** What the shares of the six emotions add up to once shown as whole percentages. */
const WHOLE = 100;

/**
 * Each emotion's share of `scores` as a whole percentage, the six adding up to exactly 100:
 * rounded each on its own they could make 99% or 101%. Largest-remainder rounding: every share is
 * rounded down, then the points left go to the largest remainders (ties: the stronger emotion,
 * then the canonical order). A share that is no finite positive number counts as 0; scores with
 * nothing to share are 0% each.
 */
export function wholePercents(scores: EmotionScores): Record<Emotion, number> {
  const mass = Object.fromEntries(EMOTIONS.map((emotion) => [emotion, usable(scores[emotion])])) as EmotionScores;
  const total = EMOTIONS.reduce((sum, emotion) => sum + mass[emotion], 0);
  const exact = Object.fromEntries(EMOTIONS.map((emotion) => [emotion, total > 0 ? (mass[emotion] / total) * WHOLE : 0])) as EmotionScores;
  const percents = Object.fromEntries(EMOTIONS.map((emotion) => [emotion, Math.floor(exact[emotion])])) as Record<Emotion, number>;
  if (total <= 0) return percents;
  const left = WHOLE - EMOTIONS.reduce((sum, emotion) => sum + percents[emotion], 0);
  const byRemainder = rankEmotions(mass).sort((a, b) => exact[b] - percents[b] - (exact[a] - percents[a]));
  for (const emotion of byRemainder.slice(0, left)) percents[emotion] += 1;
  return percents;
}

function usable(score: number): number {
  return Number.isFinite(score) && score > 0 ? score : 0;
}
