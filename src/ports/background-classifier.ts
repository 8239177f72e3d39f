import type { EmotionClassifier } from './emotion-classifier.js';

/**
 * A classifier whose model can also serve work no Discord user waits on (the HTTP API in
 * `feelbot start`) without holding up the bot's own: `background` classifies with the same model,
 * but its texts wait while this classifier's own texts wait, for at most HIGH_TURNS_WHILE_LOW_WAITS
 * of theirs in a row (ResourcePool), so they are never held back without end. The LLM classifier has one, as
 * its few context sequences are what a reply job and a flood of API texts would queue for.
 */
export interface ClassifierWithBackground extends EmotionClassifier {
  /** Disposing it leaves the model alone: that is disposed with this classifier. */
  readonly background: EmotionClassifier;
}

export function hasBackground(classifier: EmotionClassifier): classifier is ClassifierWithBackground {
  return 'background' in classifier;
}

/** The classifier for background work: `classifier`'s background, or `classifier` itself when it has none (ONNX, whose batches are shared). */
export function backgroundOf(classifier: EmotionClassifier): EmotionClassifier {
  return hasBackground(classifier) ? classifier.background : classifier;
}
