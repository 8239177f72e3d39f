import { describe, expect, it } from 'vitest';
import { neutralThresholdFor, SIX_EMOTION_NEUTRAL_THRESHOLD } from '../../src/domain/neutral-threshold.js';

/** Where a threshold sits between a uniform guess over `emotions` (0) and certainty (1). */
const placeBetweenGuessAndCertainty = (threshold: number, emotions: number) => (threshold - 1 / emotions) / (1 - 1 / emotions);

describe('neutralThresholdFor', () => {
  it('is 0.45 for six emotions, as feelbot has always used', () => {
    expect(SIX_EMOTION_NEUTRAL_THRESHOLD).toBe(0.45);
    expect(neutralThresholdFor(6)).toBeCloseTo(0.45, 12);
  });

  it('is about 0.56 for three emotions and 0.67 for two, above the 1/k a top emotion always reaches', () => {
    expect(neutralThresholdFor(3)).toBeCloseTo(0.56, 2);
    expect(neutralThresholdFor(2)).toBeCloseTo(0.67, 2);
    for (const emotions of [2, 3, 4, 5]) expect(neutralThresholdFor(emotions), String(emotions)).toBeGreaterThan(1 / emotions);
  });

  it('keeps the same place between a uniform guess and certainty for any number of emotions', () => {
    const sixEmotions = placeBetweenGuessAndCertainty(SIX_EMOTION_NEUTRAL_THRESHOLD, 6);
    for (const emotions of [2, 3, 4, 5, 6]) {
      expect(placeBetweenGuessAndCertainty(neutralThresholdFor(emotions), emotions), String(emotions)).toBeCloseTo(sixEmotions, 12);
    }
  });

  it('is certainty (1) for a model that can only ever say one emotion, and never NaN for none', () => {
    expect(neutralThresholdFor(1)).toBe(1);
    expect(neutralThresholdFor(0)).toBe(1);
  });
});
