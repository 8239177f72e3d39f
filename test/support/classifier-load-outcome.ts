import { TransformersClassifier, type TransformersClassifierOptions } from '../../src/adapters/transformers/transformers-classifier.js';

/** The loaded classifier's first analysis of a fearful text, or the error that stopped it loading. */
export async function classifierLoadOutcome(options: TransformersClassifierOptions): Promise<unknown> {
  try {
    const classifier = await TransformersClassifier.load(options);
    const [analysis] = await classifier.classify(['i feel terrified of what comes next']);
    await classifier.dispose();
    return analysis;
  } catch (error) {
    return error;
  }
}
