import { describe, expect, it } from 'vitest';
import { poolWindows } from '../../src/domain/pool-windows.js';
import { MAX_WINDOWS, splitIntoWindows, WORDS_PER_WINDOW } from '../../src/domain/split-for-classifier.js';

const mapping = { sad: 'sadness', happy: 'joy', none: 'neutral' } as const;

describe('reading long texts in windows', () => {
  it('a short text is one window, unchanged', () => {
    expect(splitIntoWindows('i feel fine')).toEqual(['i feel fine']);
  });

  it('a long text is cut into word windows, and never into more than the cap', () => {
    const words = Array.from({ length: WORDS_PER_WINDOW * 2 + 3 }, (_, i) => `w${i}`).join(' ');
    const windows = splitIntoWindows(words);
    expect(windows).toHaveLength(3);
    expect(windows[2]).toBe('w80 w81 w82');
    expect(splitIntoWindows('x '.repeat(WORDS_PER_WINDOW * (MAX_WINDOWS + 5)))).toHaveLength(MAX_WINDOWS);
  });

  it('an emotional window outweighs neutral ones', () => {
    const neutral = [{ label: 'none', score: 0.9 }, { label: 'sad', score: 0.05 }, { label: 'happy', score: 0.05 }];
    const sad = [{ label: 'none', score: 0.05 }, { label: 'sad', score: 0.9 }, { label: 'happy', score: 0.05 }];
    const pooled = poolWindows([neutral, neutral, neutral, sad], mapping);
    const score = (label: string) => pooled.find((entry) => entry.label === label)!.score;
    expect(score('sad')).toBeGreaterThan(score('none'));
    expect(pooled.reduce((sum, entry) => sum + entry.score, 0)).toBeCloseTo(1);
  });

  it('all-neutral windows stay neutral', () => {
    const neutral = [{ label: 'none', score: 0.9 }, { label: 'sad', score: 0.05 }, { label: 'happy', score: 0.05 }];
    const pooled = poolWindows([neutral, neutral], mapping);
    expect(pooled.find((entry) => entry.label === 'none')!.score).toBeCloseTo(0.9);
  });
});
