import { describe, expect, it } from 'vitest';
import { BatchingClassifier } from '../../src/classifier/batching-classifier.js';
import type { EmotionAnalysis, EmotionClassifier } from '../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../factories.js';

/** Records each batch it is given and answers with the text's length as confidence, to check ordering. */
class RecordingClassifier implements EmotionClassifier {
  readonly batches: string[][] = [];
  async classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    this.batches.push([...texts]);
    return texts.map((text) => buildAnalysis({ confidence: text.length / 100 }));
  }
  async dispose(): Promise<void> {}
}

describe('BatchingClassifier', () => {
  it('concurrent calls share one model call and each gets its own results in order', async () => {
    const inner = new RecordingClassifier();
    const batching = new BatchingClassifier(inner, { maxWaitMs: 5 });
    const [a, b] = await Promise.all([batching.classify(['x', 'xx']), batching.classify(['xxx'])]);
    expect(inner.batches).toEqual([['x', 'xx', 'xxx']]);
    expect(a.map((r) => r.confidence)).toEqual([0.01, 0.02]);
    expect(b.map((r) => r.confidence)).toEqual([0.03]);
  });

  it('a full batch goes out at once without waiting', async () => {
    const inner = new RecordingClassifier();
    const batching = new BatchingClassifier(inner, { maxBatch: 2, maxWaitMs: 60_000 });
    await Promise.all([batching.classify(['a']), batching.classify(['b'])]);
    expect(inner.batches).toEqual([['a', 'b']]);
  });

  it('a failure reaches every caller of the batch', async () => {
    const failing: EmotionClassifier = {
      classify: async () => {
        throw new Error('model crashed');
      },
      dispose: async () => {},
    };
    const batching = new BatchingClassifier(failing, { maxWaitMs: 1 });
    const results = await Promise.allSettled([batching.classify(['a']), batching.classify(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
