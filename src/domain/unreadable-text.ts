import { EMOTIONS, rankEmotions, type EmotionScores } from './emotions.js';
import type { EmotionAnalysis } from './emotion-analysis.js';

const EVEN = Object.fromEntries(EMOTIONS.map((emotion) => [emotion, 1 / EMOTIONS.length])) as EmotionScores;

/**
 * The analysis of a text the classifier cannot read at all (another script, a bare link, a code
 * block, "....": nothing left once normalised): no emotion, rather than what the model makes of
 * a row of unknown tokens (it reads those as confident joy).
 */
export const UNREADABLE_TEXT_ANALYSIS: EmotionAnalysis = Object.freeze({
  emotion: rankEmotions(EVEN)[0]!,
  confidence: 0,
  neutral: true,
  scores: Object.freeze({ ...EVEN }),
  unreadable: true,
});
