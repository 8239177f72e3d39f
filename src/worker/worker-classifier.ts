import { BatchingClassifier } from '../classifier/batching-classifier.js';
import { InstrumentedClassifier } from '../classifier/instrumented-classifier.js';
import { NewestCharsClassifier } from '../classifier/newest-chars-classifier.js';
import { REMEMBERED_ANALYSES, RememberingClassifier } from '../classifier/remembering-classifier.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Metrics } from '../ports/metrics.js';

/**
 * The classifier a worker's jobs share: a burst is cut to its newest characters, a text seen lately
 * (a retried job's) is answered from memory, concurrent jobs share one timed model call.
 */
export function workerClassifier(model: EmotionClassifier, metrics: Metrics, options: { readonly rememberedAnalyses?: number } = {}): EmotionClassifier {
  const remembered = options.rememberedAnalyses ?? REMEMBERED_ANALYSES;
  return new NewestCharsClassifier(new RememberingClassifier(new BatchingClassifier(new InstrumentedClassifier(model, metrics)), remembered));
}
