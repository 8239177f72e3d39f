import { describe, expect, it } from 'vitest';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';
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

/** Holds every call until released, so a test decides when the model is busy. */
class HeldClassifier extends RecordingClassifier {
  private releaseAll: () => void = () => undefined;
  private readonly held = new Promise<void>((resolve) => (this.releaseAll = resolve));

  override async classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    const results = await super.classify(texts);
    await this.held;
    return results;
  }

  release(): void {
    this.releaseAll();
  }

  /** Resolves once `count` model calls have started. */
  async started(count: number): Promise<void> {
    while (this.batches.length < count) await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Fails every call holding `bad` with CLASSIFIER_FAILED, as a model fails on a text it cannot read. */
class FailingOnClassifier extends RecordingClassifier {
  /** The calls made before dispose, as they stood when it ran. */
  disposedAfter: string[][] | undefined;

  constructor(
    private readonly bad: string,
    private readonly failure: { readonly permanent: boolean },
  ) {
    super();
  }

  override async classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    const results = await super.classify(texts);
    // A model call takes a while; the callers sent again one by one must still be awaited by dispose.
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (texts.includes(this.bad)) throw new FeelbotError(ErrorCodes.ClassifierFailed, 'the model cannot read a text', this.failure);
    return results;
  }

  override async dispose(): Promise<void> {
    this.disposedAfter = this.batches.map((batch) => [...batch]);
  }
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

  it('a lone text finds the model idle and goes out at once, whatever the wait allowed', async () => {
    const inner = new RecordingClassifier();
    const batching = new BatchingClassifier(inner, { maxWaitMs: 60_000 });
    const [result] = await batching.classify(['alone']);
    expect(result!.confidence).toBe(0.05);
    expect(inner.batches).toEqual([['alone']]);
  });

  it('texts that arrive while a model call runs go out together when it ends', async () => {
    const inner = new HeldClassifier();
    const batching = new BatchingClassifier(inner, { maxWaitMs: 60_000 });
    const first = batching.classify(['a']);
    await inner.started(1);
    const later = [batching.classify(['b']), batching.classify(['c', 'd'])];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inner.batches).toEqual([['a']]);
    inner.release();
    await Promise.all([first, ...later]);
    expect(inner.batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('texts waiting behind a long model call go out on their own after maxWaitMs', async () => {
    const inner = new HeldClassifier();
    const batching = new BatchingClassifier(inner, { maxWaitMs: 10 });
    const first = batching.classify(['a']);
    await inner.started(1);
    const later = batching.classify(['b']);
    await inner.started(2);
    expect(inner.batches).toEqual([['a'], ['b']]);
    inner.release();
    await Promise.all([first, later]);
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

  it("a text failed for good fails only its own caller: the callers that shared its model call get their own results", async () => {
    const inner = new FailingOnClassifier('unreadable', { permanent: true });
    const batching = new BatchingClassifier(inner, { maxWaitMs: 1 });
    const [before, failed, after] = await Promise.allSettled([batching.classify(['x', 'xx']), batching.classify(['unreadable']), batching.classify(['xxx'])]);
    expect(before).toMatchObject({ status: 'fulfilled', value: [{ confidence: 0.01 }, { confidence: 0.02 }] });
    expect(failed).toMatchObject({ status: 'rejected', reason: { code: ErrorCodes.ClassifierFailed, permanent: true } });
    expect(after).toMatchObject({ status: 'fulfilled', value: [{ confidence: 0.03 }] });
    expect(inner.batches[0]).toEqual(['x', 'xx', 'unreadable', 'xxx']);
  });

  it('a failure a retry may mend (not permanent) reaches every caller of the batch, without the model being asked again', async () => {
    const inner = new FailingOnClassifier('unreadable', { permanent: false });
    const batching = new BatchingClassifier(inner, { maxWaitMs: 1 });
    const results = await Promise.allSettled([batching.classify(['a']), batching.classify(['unreadable'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(inner.batches).toEqual([['a', 'unreadable']]);
  });

  it("a lone caller's permanent failure is not sent to the model again", async () => {
    const inner = new FailingOnClassifier('unreadable', { permanent: true });
    const batching = new BatchingClassifier(inner, { maxWaitMs: 1 });
    await expect(batching.classify(['a', 'unreadable'])).rejects.toMatchObject({ permanent: true });
    expect(inner.batches).toEqual([['a', 'unreadable']]);
  });

  it('dispose waits for the callers sent again one by one after a permanent failure', async () => {
    const inner = new FailingOnClassifier('unreadable', { permanent: true });
    const batching = new BatchingClassifier(inner, { maxWaitMs: 60_000 });
    const readable = batching.classify(['abc']);
    const unreadable = batching.classify(['unreadable']).catch((error: unknown) => error);
    await batching.dispose();
    expect(inner.disposedAfter).toEqual([['abc', 'unreadable'], ['abc'], ['unreadable']]);
    expect((await readable)[0]!.confidence).toBe(0.03);
    expect(await unreadable).toBeInstanceOf(FeelbotError);
  });
});
