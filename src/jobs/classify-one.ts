import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';
import { ErrorCodes, FeelbotError } from '../errors.js';

/** The analysis of one text; a classifier that answers none fails the job with a code (a retry may do better). */
export async function classifyOne(classifier: EmotionClassifier, text: string): Promise<EmotionAnalysis> {
  const [analysis] = await classifier.classify([text]);
  if (!analysis) throw new FeelbotError(ErrorCodes.ClassifierFailed, 'The classifier returned no analysis for one input.');
  return analysis;
}
