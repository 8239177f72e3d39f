import type { Emotion, EmotionScores } from './emotions.js';

/** What a classifier says about one text. */
export interface EmotionAnalysis {
  /** The strongest of the six emotions, even when the text is neutral. */
  readonly emotion: Emotion;
  /** Calibrated probability that `emotion` is the text's emotion (0..1). */
  readonly confidence: number;
  /** True when the text carries no strong emotion. */
  readonly neutral: boolean;
  /** The six emotions' scores; they sum to 1. */
  readonly scores: EmotionScores;
  /**
   * True when the classifier could read nothing in the text (another script, a bare link, "....").
   * `emotion` is then only the first label of even scores, not a finding: nothing is said in any
   * persona's name about such a text.
   */
  readonly unreadable?: boolean;
  /**
   * Present (true) when a multi-label model scored the text, a sigmoid per label: `confidence` is
   * then the top emotion's own score, and no share of the whole is neutral's.
   */
  readonly multiLabel?: true;
}
