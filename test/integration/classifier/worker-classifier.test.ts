import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { workerClassifier } from '../../../src/worker/worker-classifier.js';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

describe("the worker's classifier on the shipped model", () => {
  let worker: EmotionClassifier;
  let model: EmotionClassifier;
  beforeAll(async () => {
    worker = workerClassifier(await loadEmotionModel({ model: SHIPPED_EMOTION_MODEL }), NO_METRICS);
    model = await loadEmotionModel({ model: SHIPPED_EMOTION_MODEL });
  });
  afterAll(async () => {
    await worker?.dispose();
    await model?.dispose();
  });

  it("a burst longer than 4,000 characters is read from its newest 4,000, where the author's feeling is now", async () => {
    // Oldest first, as the gateway folds a burst: angry messages, a wall of logistics, then sadness.
    const angry = 'i am so furious and angry at them for lying to me. '.repeat(20);
    const logistics = 'the meeting moved to room four at five and bring the slides please. '.repeat(61);
    const text = `${angry}${logistics}i feel so lonely and heartbroken since she left`;
    expect(text.length).toBeGreaterThan(4_000);
    expect(text.slice(-4_000)).not.toContain('furious');
    const [result] = await worker.classify([text]);
    expect(result!.emotion).toBe('sadness');
    expect(result!.neutral).toBe(false);
    expect(result).toEqual((await model.classify([text.slice(-4_000)]))[0]);
  });

  it('a text classified lately (a retried job\'s) is answered from memory: the model is not run again, the answer is the same', async () => {
    let modelCalls = 0;
    const counted: EmotionClassifier = { classify: (texts) => ((modelCalls += 1), model.classify(texts)), dispose: async () => undefined };
    const retried = workerClassifier(counted, NO_METRICS);
    const text = 'i have an exam tomorrow and i am terrified';
    const first = await retried.classify([text]);
    const second = await retried.classify([text]);
    expect(modelCalls).toBe(1);
    expect(second).toEqual(first);
    expect(first).toEqual(await model.classify([text]));
    await retried.classify(['a different text now']);
    expect(modelCalls).toBe(2);
  });

  it('a text of up to 4,000 characters is read whole', async () => {
    const text = `i am so furious and angry at them. ${'the meeting moved to room four at five. '.repeat(95)}`;
    expect(text.length).toBeLessThanOrEqual(4_000);
    expect(await worker.classify([text])).toEqual(await model.classify([text]));
  });
});
