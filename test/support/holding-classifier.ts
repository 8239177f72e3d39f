import type { EmotionClassifier } from '../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../factories.js';

export interface HoldingClassifier {
  readonly classifier: EmotionClassifier;
  /** The texts of each call begun, in order: a call is here while it is held. */
  readonly calls: readonly (readonly string[])[];
  /** Lets every call held, and every later one, answer. */
  release(): void;
}

/** A classifier that holds every call until `release`, answering each text with a plain analysis then. */
export function holdingClassifier(): HoldingClassifier {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const calls: string[][] = [];
  const classifier: EmotionClassifier = {
    classify: async (texts) => {
      calls.push([...texts]);
      await held;
      return texts.map(() => buildAnalysis());
    },
    dispose: async () => undefined,
  };
  return { classifier, calls, release: () => release() };
}
