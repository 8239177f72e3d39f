import { describe, expect, it } from 'vitest';
import { inferenceError } from '../../src/adapters/transformers/inference-error.js';
import { classifyEachSettled } from '../../src/classifier/classify-each-settled.js';
import { ErrorCodes, FeelbotError } from '../../src/errors.js';
import type { EmotionAnalysis, EmotionClassifier } from '../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../factories.js';

const MODEL = 'models/emotion';

/**
 * Answers each text with its length as confidence, and fails every call holding one of `failing`
 * with the error given for it, as a model fails a call for a text it cannot read.
 */
class FailingOnClassifier implements EmotionClassifier {
  readonly calls: string[][] = [];
  constructor(private readonly failing: ReadonlyMap<string, unknown>) {}
  async classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    this.calls.push([...texts]);
    const failed = texts.find((text) => this.failing.has(text));
    if (failed !== undefined) throw this.failing.get(failed);
    return texts.map((text) => buildAnalysis({ confidence: text.length / 100 }));
  }
  async dispose(): Promise<void> {}
}

const unreadable = () => inferenceError(MODEL, 128, new Error('Non-zero status code returned while running Add node.'));
const outOfMemory = () => inferenceError(MODEL, 128, new Error('Failed to allocate memory for requested buffer of size 1024'));

describe('classifyEachSettled', () => {
  it('answers every text from one call when the call succeeds', async () => {
    const classifier = new FailingOnClassifier(new Map());
    const results = await classifyEachSettled(classifier, ['a', 'bb', 'ccc']);
    expect(results).toEqual([buildAnalysis({ confidence: 0.01 }), buildAnalysis({ confidence: 0.02 }), buildAnalysis({ confidence: 0.03 })]);
    expect(classifier.calls).toEqual([['a', 'bb', 'ccc']]);
  });

  it("when one text fails the call for good, the other texts get their analyses and that text gets its error, in the texts' order", async () => {
    const error = unreadable();
    const classifier = new FailingOnClassifier(new Map([['bad', error]]));
    const results = await classifyEachSettled(classifier, ['a', 'bad', 'ccc']);
    expect(results).toEqual([buildAnalysis({ confidence: 0.01 }), error, buildAnalysis({ confidence: 0.03 })]);
    expect(results[1]).toBeInstanceOf(FeelbotError);
    expect(results[1]).toMatchObject({ code: ErrorCodes.ClassifierFailed, permanent: true });
    // The call, then each text on its own.
    expect(classifier.calls).toEqual([['a', 'bad', 'ccc'], ['a'], ['bad'], ['ccc']]);
  });

  it('two texts failing for good each get their own error', async () => {
    const first = unreadable();
    const second = unreadable();
    const classifier = new FailingOnClassifier(new Map([['bad', first], ['worse', second]]));
    const results = await classifyEachSettled(classifier, ['bad', 'ok', 'worse']);
    expect(results[0]).toBe(first);
    expect(results[1]).toEqual(buildAnalysis({ confidence: 0.02 }));
    expect(results[2]).toBe(second);
  });

  it('a lone text that fails for good gets its error without being read a second time', async () => {
    const error = unreadable();
    const classifier = new FailingOnClassifier(new Map([['bad', error]]));
    expect(await classifyEachSettled(classifier, ['bad'])).toEqual([error]);
    expect(classifier.calls).toEqual([['bad']]);
  });

  it('a failure a retry may mend (out of memory) fails the whole call, and no text is read alone', async () => {
    const error = outOfMemory();
    const classifier = new FailingOnClassifier(new Map([['big', error]]));
    await expect(classifyEachSettled(classifier, ['a', 'big', 'ccc'])).rejects.toBe(error);
    expect(classifier.calls).toEqual([['a', 'big', 'ccc']]);
  });

  it('an error that is no FeelbotError (a bug) fails the whole call', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    const classifier = new FailingOnClassifier(new Map([['bad', bug]]));
    await expect(classifyEachSettled(classifier, ['a', 'bad'])).rejects.toBe(bug);
    expect(classifier.calls).toEqual([['a', 'bad']]);
  });

  it('a failure a retry may mend while the texts are read alone fails the whole call too', async () => {
    const error = outOfMemory();
    let calls = 0;
    const classifier: EmotionClassifier = {
      async classify(texts) {
        calls += 1;
        if (calls === 1) throw unreadable();
        if (calls === 3) throw error;
        return texts.map(() => buildAnalysis());
      },
      async dispose() {},
    };
    await expect(classifyEachSettled(classifier, ['a', 'b', 'c'])).rejects.toBe(error);
  });

  it('no texts, no call', async () => {
    const classifier = new FailingOnClassifier(new Map());
    expect(await classifyEachSettled(classifier, [])).toEqual([]);
    expect(classifier.calls).toEqual([]);
  });
});
