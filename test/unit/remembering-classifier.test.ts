import { describe, expect, it } from 'vitest';
import { RememberingClassifier } from '../../src/classifier/remembering-classifier.js';
import { ErrorCodes } from '../../src/errors.js';
import type { EmotionAnalysis, EmotionClassifier } from '../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../factories.js';

/** A model that answers each text with a confidence of its length, recording every call's texts. */
function counting(answer: (texts: readonly string[]) => EmotionAnalysis[] = (texts) => texts.map((text) => buildAnalysis({ confidence: text.length / 100 }))) {
  const calls: string[][] = [];
  const model: EmotionClassifier = { classify: async (texts) => (calls.push([...texts]), answer(texts)), dispose: async () => undefined };
  return { model, calls };
}

describe('RememberingClassifier', () => {
  it('answers a text it classified lately without asking the model again, and asks only for the new ones of a batch', async () => {
    const { model, calls } = counting();
    const classifier = new RememberingClassifier(model);
    const first = await classifier.classify(['i am so scared', 'ok']);
    const again = await classifier.classify(['ok', 'what a day', 'i am so scared']);
    expect(calls).toEqual([['i am so scared', 'ok'], ['what a day']]);
    expect(again.map((analysis) => analysis.confidence)).toEqual([0.02, 0.1, 0.14]);
    expect(again[0]).toBe(first[1]);
  });

  it('classifies a text asked for twice in one batch once, and answers both places', async () => {
    const { model, calls } = counting();
    const results = await new RememberingClassifier(model).classify(['same', 'other', 'same']);
    expect(calls).toEqual([['same', 'other']]);
    expect(results.map((analysis) => analysis.confidence)).toEqual([0.04, 0.05, 0.04]);
  });

  it('forgets the text used least lately once full', async () => {
    const { model, calls } = counting();
    const classifier = new RememberingClassifier(model, 2);
    await classifier.classify(['a', 'b']);
    await classifier.classify(['a']); // a is now newer than b
    await classifier.classify(['c']); // b goes
    await classifier.classify(['a', 'b', 'c']);
    expect(calls).toEqual([['a', 'b'], ['c'], ['b']]);
  });

  it('with no room remembers nothing (the benchmark times the model this way), but still reads a batch\'s repeats once', async () => {
    const { model, calls } = counting();
    const classifier = new RememberingClassifier(model, 0);
    await classifier.classify(['a', 'a']);
    await classifier.classify(['a']);
    expect(calls).toEqual([['a'], ['a']]);
  });

  it('keeps nothing from a model call that failed: the next call asks again', async () => {
    let fail = true;
    const { model, calls } = counting((texts) => {
      if (fail) throw new Error('model crashed');
      return texts.map(() => buildAnalysis());
    });
    const classifier = new RememberingClassifier(model);
    await expect(classifier.classify(['hello'])).rejects.toThrow('model crashed');
    fail = false;
    await classifier.classify(['hello']);
    expect(calls).toEqual([['hello'], ['hello']]);
  });

  it('a model that answers fewer texts than asked fails with CLASSIFIER_FAILED, naming the input', async () => {
    const { model } = counting((texts) => texts.slice(1).map(() => buildAnalysis()));
    await expect(new RememberingClassifier(model).classify(['x', 'y'])).rejects.toMatchObject({ code: ErrorCodes.ClassifierFailed, message: expect.stringContaining('input 1') });
  });
});
