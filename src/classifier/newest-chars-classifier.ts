import { cutAtWordStart } from '../domain/cut-at-word-start.js';
import { tailCharacters } from '../domain/cut-text.js';
import { MAX_MESSAGE_CHARS } from '../domain/message-limits.js';
import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';

/**
 * Reads only the newest MAX_MESSAGE_CHARS characters of each text, Discord's longest message and
 * what the CLI and the HTTP API accept. A Discord burst folds several messages oldest first (up to
 * 8,000 characters), and what the author feels now is at its end. It is read from a whole word:
 * half of one can mean the opposite ("unhappy" read as "happy").
 */
export class NewestCharsClassifier implements EmotionClassifier {
  constructor(private readonly inner: EmotionClassifier) {}

  classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    return this.inner.classify(texts.map((text) => cutAtWordStart(text, tailCharacters(text, MAX_MESSAGE_CHARS))));
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
