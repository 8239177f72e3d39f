import { rankEmotions, type Emotion, type EmotionScores } from './emotions.js';

/**
 * The detected emotion's persona answers when it is allowed; otherwise the strongest allowed
 * one does. Undefined when no persona is allowed, and then nothing answers.
 */
export function pickPersona(scores: EmotionScores, disabled: readonly Emotion[]): Emotion | undefined {
  return rankEmotions(scores).find((emotion) => !disabled.includes(emotion));
}
