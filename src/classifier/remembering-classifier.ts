import { ErrorCodes, FeelbotError } from '../errors.js';
import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';

/** How many texts' analyses a worker keeps: a few seconds of its busiest traffic. */
export const REMEMBERED_ANALYSES = 512;

/**
 * Answers a text it analysed lately from memory, newest kept. A job retried on the same worker
 * (a LoRA persona's busy sequences send it back for 2 s, a Discord rate limit for longer) would
 * otherwise classify the same text again each time, which with EMOTION_BACKEND=llm is a completion
 * on the model its replies are waiting for. Classifiers are deterministic, so nothing changes but
 * the work. Texts asked for again in one batch are classified once.
 */
export class RememberingClassifier implements EmotionClassifier {
  private readonly remembered = new Map<string, EmotionAnalysis>();

  constructor(
    private readonly inner: EmotionClassifier,
    private readonly capacity = REMEMBERED_ANALYSES,
  ) {}

  async classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    // Taken now: another call's answers may push some of these out while this one waits.
    const found = new Map<string, EmotionAnalysis>();
    for (const text of texts) {
      const analysis = this.remembered.get(text);
      if (analysis) found.set(text, analysis);
    }
    const unknown = [...new Set(texts.filter((text) => !found.has(text)))];
    if (unknown.length > 0) {
      const analyses = await this.inner.classify(unknown);
      unknown.forEach((text, index) => {
        const analysis = analyses[index];
        if (analysis) found.set(text, analysis);
      });
    }
    return texts.map((text, index) => {
      const analysis = found.get(text);
      if (!analysis) throw new FeelbotError(ErrorCodes.ClassifierFailed, `The classifier returned no analysis for input ${index}.`);
      this.remember(text, analysis);
      return analysis;
    });
  }

  dispose(): Promise<void> {
    this.remembered.clear();
    return this.inner.dispose();
  }

  /** Keeps the text as the newest, and forgets the oldest past capacity. */
  private remember(text: string, analysis: EmotionAnalysis): void {
    this.remembered.delete(text);
    this.remembered.set(text, analysis);
    for (const oldest of this.remembered.keys()) {
      if (this.remembered.size <= this.capacity) break;
      this.remembered.delete(oldest);
    }
  }
}
