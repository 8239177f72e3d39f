import { ErrorCodes, FeelbotError, isFeelbotError } from '../errors.js';
import type { EmotionAnalysis, EmotionClassifier } from '../ports/emotion-classifier.js';

/** A text's analysis, or the error that reading it on its own failed with for good. */
export type SettledAnalysis = EmotionAnalysis | FeelbotError;

export function isFailedText(result: SettledAnalysis): result is FeelbotError {
  return result instanceof FeelbotError;
}

/**
 * The texts' analyses, in order, from one classify call. When that call fails for good (a text the
 * model cannot read fails all that share its call), each text is read again on its own, one at a
 * time, so only the text that fails gets its error and the others their analyses. A failure a retry
 * may mend (memory ran out) or a bug fails the whole call, as it would each text.
 */
export async function classifyEachSettled(classifier: EmotionClassifier, texts: readonly string[]): Promise<SettledAnalysis[]> {
  if (texts.length === 0) return [];
  try {
    return await classifier.classify(texts);
  } catch (error) {
    if (!isFeelbotError(error) || !error.permanent) throw error;
    // Read alone, it would fail the same way again.
    if (texts.length === 1) return [error];
    const results: SettledAnalysis[] = [];
    for (const text of texts) results.push(await classifyAlone(classifier, text));
    return results;
  }
}

async function classifyAlone(classifier: EmotionClassifier, text: string): Promise<SettledAnalysis> {
  let analysis: EmotionAnalysis | undefined;
  try {
    [analysis] = await classifier.classify([text]);
  } catch (error) {
    if (isFeelbotError(error) && error.permanent) return error;
    throw error;
  }
  // As classifyOne answers a classifier that answers nothing: a retry may do better.
  if (!analysis) throw new FeelbotError(ErrorCodes.ClassifierFailed, 'The classifier returned no analysis for one input.');
  return analysis;
}
