import { BatchingClassifier } from '../classifier/batching-classifier.js';
import { InstrumentedClassifier } from '../classifier/instrumented-classifier.js';
import { NewestCharsClassifier } from '../classifier/newest-chars-classifier.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Metrics } from '../ports/metrics.js';

/**
 * The classifier a worker's jobs share: a burst is cut to its newest characters, concurrent jobs
 * share one timed model call.
 */
export function workerClassifier(model: EmotionClassifier, metrics: Metrics): EmotionClassifier {
  return new NewestCharsClassifier(new BatchingClassifier(new InstrumentedClassifier(model, metrics)));
}
