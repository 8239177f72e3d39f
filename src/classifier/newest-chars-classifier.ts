import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';
import { keepNewestChars } from './max-input-chars.js';

/**
 * Reads only the newest MAX_INPUT_CHARS characters of each text. A Discord burst folds several
 * messages oldest first (up to 8 × 4,000 characters), and what the author feels now is at its end.
 */
export class NewestCharsClassifier implements EmotionClassifier {
  constructor(private readonly inner: EmotionClassifier) {}

  classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    return this.inner.classify(texts.map(keepNewestChars));
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
