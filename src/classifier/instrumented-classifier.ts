import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Metrics } from '../ports/metrics.js';

/** Times every model call for the classification-latency histogram. */
export class InstrumentedClassifier implements EmotionClassifier {
  constructor(
    private readonly inner: EmotionClassifier,
    private readonly metrics: Metrics,
  ) {}

  async classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    const started = performance.now();
    const results = await this.inner.classify(texts);
    this.metrics.observeClassification((performance.now() - started) / 1_000, texts.length);
    return results;
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}
