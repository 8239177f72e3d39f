/** The six emotions feelbot answers as, in dair-ai/emotion's label-id order. */
export const EMOTIONS = ['sadness', 'joy', 'love', 'anger', 'fear', 'surprise'] as const;

export type Emotion = (typeof EMOTIONS)[number];

/** How an emotion is named to people: "Sadness", "Joy", … */
export function emotionLabel(emotion: Emotion): string {
  return emotion[0]!.toUpperCase() + emotion.slice(1);
}

/** The classifier's extra outcome for text that carries no strong emotion. */
export const NEUTRAL = 'neutral' as const;

export type EmotionOrNeutral = Emotion | typeof NEUTRAL;

export type EmotionScores = Record<Emotion, number>;

/** Emotions sorted by score, strongest first; ties keep the canonical order. */
export function rankEmotions(scores: EmotionScores): Emotion[] {
  return [...EMOTIONS].sort((a, b) => scores[b] - scores[a]);
}
