import { describe, expect, it } from 'vitest';
import { RoutedClassifier } from '../../src/classifier/routed-classifier.js';
import { namesAFeeling } from '../../src/domain/names-a-feeling.js';
import type { EmotionAnalysis, EmotionClassifier } from '../../src/ports/emotion-classifier.js';
import { buildAnalysis } from '../factories.js';

/** Records each call and answers every text with its own emotion, so a result shows who read it. */
class RecordingClassifier implements EmotionClassifier {
  readonly calls: string[][] = [];
  disposed = false;
  constructor(private readonly emotion: EmotionAnalysis['emotion']) {}
  async classify(texts: readonly string[]): Promise<EmotionAnalysis[]> {
    this.calls.push([...texts]);
    return texts.map((text) => buildAnalysis({ emotion: this.emotion, confidence: text.length / 100 }));
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

describe('namesAFeeling', () => {
  it('finds the feel-words dair-ai sentences are built on, as whole words', () => {
    for (const text of ['i feel lost', 'feeling great today', 'she felt nothing', 'my feelings are hurt', 'it feels wrong', 'feelin it']) {
      expect(namesAFeeling(text), text).toBe(true);
    }
  });

  it('misses chat, self-reports and words that only contain a feel-word', () => {
    for (const text of ['ok see you at 5', 'when my father shouted at me', 'felted wool hat', 'unfeeling', '']) {
      expect(namesAFeeling(text), text).toBe(false);
    }
  });
});

describe('RoutedClassifier', () => {
  it('sends each text to its reader in one call each and answers in input order', async () => {
    const main = new RecordingClassifier('joy');
    const other = new RecordingClassifier('fear');
    const routed = new RoutedClassifier(main, other, (text) => text.startsWith('other'));
    const results = await routed.classify(['main a', 'other b', 'main cc', 'other ddd']);
    expect(main.calls).toEqual([['main a', 'main cc']]);
    expect(other.calls).toEqual([['other b', 'other ddd']]);
    expect(results.map((r) => [r.emotion, r.confidence])).toEqual([
      ['joy', 0.06],
      ['fear', 0.07],
      ['joy', 0.07],
      ['fear', 0.09],
    ]);
  });

  it('a reader with no texts in a batch is not called', async () => {
    const main = new RecordingClassifier('joy');
    const other = new RecordingClassifier('fear');
    const routed = new RoutedClassifier(main, other, () => false);
    expect((await routed.classify(['a', 'b'])).map((r) => r.emotion)).toEqual(['joy', 'joy']);
    expect(other.calls).toEqual([]);
  });

  it('a reader that fails fails the batch', async () => {
    const failing: EmotionClassifier = {
      classify: async () => {
        throw new Error('reader crashed');
      },
      dispose: async () => {},
    };
    const routed = new RoutedClassifier(new RecordingClassifier('joy'), failing, (text) => text === 'b');
    await expect(routed.classify(['a', 'b'])).rejects.toThrow('reader crashed');
  });

  it('disposes both readers', async () => {
    const main = new RecordingClassifier('joy');
    const other = new RecordingClassifier('fear');
    await new RoutedClassifier(main, other, () => true).dispose();
    expect([main.disposed, other.disposed]).toEqual([true, true]);
  });
});
