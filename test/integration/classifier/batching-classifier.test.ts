import { describe, expect, it } from 'vitest';
import { TransformersClassifier } from '../../../src/adapters/transformers/transformers-classifier.js';
import { BatchingClassifier } from '../../../src/classifier/batching-classifier.js';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

describe('BatchingClassifier over the shipped model', () => {
  it('texts still queued at dispose are answered before the model is disposed', async () => {
    const batching = new BatchingClassifier(await TransformersClassifier.load({ model: SHIPPED_EMOTION_MODEL }), { maxWaitMs: 60_000 });
    const queued = batching.classify(['i feel so happy and grateful today']);
    const alsoQueued = batching.classify(['i feel terrified of what comes next']);
    await batching.dispose();
    const [[happy], [scared]] = await Promise.all([queued, alsoQueued]);
    expect(happy!.emotion).toBe('joy');
    expect(scared!.emotion).toBe('fear');
  });
});
