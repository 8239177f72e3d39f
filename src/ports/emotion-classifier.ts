import type { EmotionAnalysis } from '../domain/emotion-analysis.js';

export type { EmotionAnalysis } from '../domain/emotion-analysis.js';

export interface EmotionClassifier {
  /** Classifies a batch; the result is in input order. Batching is the caller's speed lever. */
  classify(texts: readonly string[]): Promise<EmotionAnalysis[]>;
  dispose(): Promise<void>;
}
