import { describe, expect, it } from 'vitest';
import { pickPersona } from '../../src/domain/pick-persona.js';
import { buildScores } from '../factories.js';

describe('pickPersona', () => {
  it('the detected emotion answers when it is allowed', () => {
    expect(pickPersona(buildScores(), [])).toBe('joy');
  });

  it('when a persona is disabled, the next strongest allowed persona answers', () => {
    const scores = buildScores({ joy: 0.6, love: 0.3, surprise: 0.05, sadness: 0.02, anger: 0.02, fear: 0.01 });
    expect(pickPersona(scores, ['joy'])).toBe('love');
    expect(pickPersona(scores, ['joy', 'love'])).toBe('surprise');
  });

  it('when no persona is allowed, nothing answers', () => {
    expect(pickPersona(buildScores(), ['sadness', 'joy', 'love', 'anger', 'fear', 'surprise'])).toBeUndefined();
  });
});
