import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOneRowClassifier } from '../../../scripts/fixtures/one-row-graph.js';
import { writePositionLimitedClassifier } from '../../../scripts/fixtures/position-table.js';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import { ErrorCodes } from '../../../src/errors.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { NO_METRICS } from '../../../src/ports/metrics.js';
import { workerClassifier } from '../../../src/worker/worker-classifier.js';
import { GENERATED_DIR, SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/** 1,210 characters of Chinese: BERT's tokenizer reads each character as a token, past the graph's 128 positions. */
const CHINESE = '我今天真的很难过，因为我最好的朋友要搬走了。'.repeat(55);
const HAPPY = 'i am so happy today';

describe('a text the model cannot read shares a model call with readable texts', () => {
  let worker: EmotionClassifier;
  let alone: EmotionClassifier;
  beforeAll(async () => {
    // A hub model whose graph reads fewer positions (128) than its config.json states (512): the case inferenceError names.
    const dir = writePositionLimitedClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}unreadable-batch-mate`, { table: 128, stated: 512, modelMaxLength: undefined });
    worker = workerClassifier(await loadEmotionModel({ model: dir }), NO_METRICS);
    alone = await loadEmotionModel({ model: dir });
  });
  afterAll(async () => {
    await worker?.dispose();
    await alone?.dispose();
  });

  it("another member's short message sharing the worker's model call is answered, and only the unreadable text fails for good (CLASSIFIER_FAILED permanent)", async () => {
    // Two jobs classify at once; the worker's BatchingClassifier sends their texts in one model call.
    const [innocent, unreadable] = await Promise.allSettled([worker.classify([HAPPY]), worker.classify([CHINESE])]);
    expect(innocent.status === 'fulfilled' ? innocent.value : innocent.reason).toEqual(await alone.classify([HAPPY]));
    expect(unreadable.status).toBe('rejected');
    expect((unreadable as PromiseRejectedResult).reason).toMatchObject({ code: ErrorCodes.ClassifierFailed, permanent: true });
  });

  it('three jobs, the unreadable one in the middle: the jobs before and after it get their own answers', async () => {
    const sad = 'i feel so lonely and heartbroken since she left';
    const scared = 'i have an exam tomorrow and i am terrified';
    const [first, middle, last] = await Promise.allSettled([worker.classify([sad]), worker.classify([`${CHINESE}!`]), worker.classify([scared])]);
    expect(first.status === 'fulfilled' ? first.value : first.reason).toEqual(await alone.classify([sad]));
    expect(middle).toMatchObject({ status: 'rejected', reason: { code: ErrorCodes.ClassifierFailed, permanent: true } });
    expect(last.status === 'fulfilled' ? last.value : last.reason).toEqual(await alone.classify([scared]));
  });
});

describe('a model call that fails for the batch, not for any of its texts', () => {
  it('each text is read alone and every text gets its answer, as from a call of its own', async () => {
    // A graph that fails on any batch of more than one text, as a batch too big for memory does.
    const model = await loadEmotionModel({ model: writeOneRowClassifier(SHIPPED_EMOTION_MODEL, `${GENERATED_DIR}one-row-classifier`) });
    try {
      const texts = [HAPPY, 'i feel so lonely and heartbroken since she left', 'i am so furious and angry at them for lying to me. '.repeat(30)];
      const together = await model.classify(texts);
      const alone = [];
      for (const text of texts) alone.push(...(await model.classify([text])));
      expect(together).toEqual(alone);
      expect(together.map((analysis) => analysis.emotion)).toEqual(['joy', 'sadness', 'anger']);
    } finally {
      await model.dispose();
    }
  });
});
