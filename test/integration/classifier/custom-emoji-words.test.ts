import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmotionModel } from '../../../src/adapters/transformers/load-emotion-model.js';
import type { EmotionClassifier } from '../../../src/ports/emotion-classifier.js';
import { SHIPPED_EMOTION_MODEL } from '../../support/fixtures.js';

/**
 * Discord custom emoji are named in camel case as often as with underscores (sadCat, FeelsBadMan),
 * and the name is often the only feeling in the message.
 */
describe('the shipped classifier on custom emoji', () => {
  let classifier: EmotionClassifier;
  beforeAll(async () => {
    classifier = await loadEmotionModel({ model: SHIPPED_EMOTION_MODEL });
  });
  afterAll(async () => {
    await classifier?.dispose();
  });

  it('reads a camel-case emoji name as the feeling it names, as it reads the same name with underscores', async () => {
    const [camel, snake] = await classifier.classify([
      'my exam went badly <:sadCat:123456789012345678>',
      'my exam went badly <:sad_cat:123456789012345678>',
    ]);
    expect(snake!.emotion).toBe('sadness');
    expect(camel!.emotion).toBe('sadness');
  });
});
