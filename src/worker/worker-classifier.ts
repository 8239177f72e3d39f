import { BatchingClassifier } from '../classifier/batching-classifier.js';
import { InstrumentedClassifier } from '../classifier/instrumented-classifier.js';
import { NewestCharsClassifier } from '../classifier/newest-chars-classifier.js';
import { REMEMBERED_ANALYSES, RememberingClassifier } from '../classifier/remembering-classifier.js';
import { hasBackground, type ClassifierWithBackground } from '../ports/background-classifier.js';
import type { EmotionClassifier } from '../ports/emotion-classifier.js';
import type { Metrics } from '../ports/metrics.js';

/**
 * The classifier a worker's jobs share: a burst is cut to its newest characters, a text seen lately
 * (a retried job's) is answered from memory, concurrent jobs share one timed model call. A model
 * with a background (the LLM classifier) keeps it, batched and timed apart from the jobs' calls: one
 * batch mixing the HTTP API's texts with a job's would wait as the API's, or put the API's first.
 */
export function workerClassifier(model: EmotionClassifier, metrics: Metrics, options: { readonly rememberedAnalyses?: number } = {}): EmotionClassifier {
  const remembered = options.rememberedAnalyses ?? REMEMBERED_ANALYSES;
  const jobs = new NewestCharsClassifier(new RememberingClassifier(new BatchingClassifier(new InstrumentedClassifier(model, metrics)), remembered));
  if (!hasBackground(model)) return jobs;
  // As `feelbot api` serves its classifier: the API's texts are no longer than a message, and nobody retries them.
  const background = new BatchingClassifier(new InstrumentedClassifier(model.background, metrics));
  const withBackground: ClassifierWithBackground = {
    classify: (texts) => jobs.classify(texts),
    background,
    async dispose() {
      // The background's calls still running end first: they run on the model the jobs' disposal frees.
      await background.dispose();
      await jobs.dispose();
    },
  };
  return withBackground;
}
