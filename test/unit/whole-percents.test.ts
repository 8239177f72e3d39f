import { describe, expect, it } from 'vitest';
import { EMOTIONS, type EmotionScores } from '../../src/domain/emotions.js';
import { wholePercents } from '../../src/domain/whole-percents.js';
import { buildScores } from '../factories.js';

const total = (percents: Record<string, number>): number => Object.values(percents).reduce((sum, percent) => sum + percent, 0);

describe('wholePercents', () => {
  it('three even thirds are 34, 33 and 33, not three 33s that leave a point out', () => {
    const third = 1 / 3;
    expect(wholePercents(buildScores({ sadness: third, joy: third, love: third, anger: 0, fear: 0, surprise: 0 }))).toEqual({
      sadness: 34, joy: 33, love: 33, anger: 0, fear: 0, surprise: 0,
    });
  });

  it('shares that each rounded on its own make 101% round up only the three with the largest remainders', () => {
    const scores = buildScores({ sadness: 0.1256, joy: 0.4557, love: 0.1158, anger: 0.1054, fear: 0.104, surprise: 0.0935 });
    expect(EMOTIONS.reduce((sum, emotion) => sum + Math.round(scores[emotion] * 100), 0)).toBe(101);
    expect(wholePercents(scores)).toEqual({ sadness: 13, joy: 46, love: 12, anger: 10, fear: 10, surprise: 9 });
  });

  it('whole percentages stay as they are', () => {
    const scores = buildScores({ sadness: 0.07, joy: 0.29, love: 0.14, anger: 0.28, fear: 0.01, surprise: 0.21 });
    expect(wholePercents(scores)).toEqual({ sadness: 7, joy: 29, love: 14, anger: 28, fear: 1, surprise: 21 });
  });

  it.each<[string, EmotionScores]>([
    ['six even sixths', buildScores({ sadness: 1 / 6, joy: 1 / 6, love: 1 / 6, anger: 1 / 6, fear: 1 / 6, surprise: 1 / 6 })],
    ['scores that sum to a little less than 1', buildScores({ sadness: 0.004, joy: 0.6, love: 0.2, anger: 0.1, fear: 0.05, surprise: 0.04 })],
    ['one emotion with it all', buildScores({ sadness: 0, joy: 1, love: 0, anger: 0, fear: 0, surprise: 0 })],
  ])('%s add up to exactly 100', (_case, scores) => {
    expect(total(wholePercents(scores))).toBe(100);
  });

  it('scores with no mass to share (all zero, or not numbers) are 0% each, not a made-up 100', () => {
    expect(total(wholePercents(buildScores({ sadness: 0, joy: 0, love: 0, anger: 0, fear: 0, surprise: 0 })))).toBe(0);
    expect(total(wholePercents(buildScores({ sadness: Number.NaN, joy: 0, love: 0, anger: -1, fear: 0, surprise: 0 })))).toBe(0);
  });
});
