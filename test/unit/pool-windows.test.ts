import { describe, expect, it } from 'vitest';
import { poolWindows } from '../../src/domain/pool-windows.js';
import {
  MAX_WINDOWS,
  MAX_WORDS_PER_WINDOW,
  MIN_WORDS_PER_WINDOW,
  splitIntoWindows,
  wordsPerWindow,
} from '../../src/domain/split-for-classifier.js';

const mapping = { sad: 'sadness', happy: 'joy', none: 'neutral' } as const;

describe('reading long texts in windows', () => {
  it('a short text is one window, unchanged', () => {
    expect(splitIntoWindows('i feel fine', 40)).toEqual(['i feel fine']);
  });

  it('a text that fits the window is not cut', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    expect(splitIntoWindows(words, 40)).toEqual([words]);
  });

  it('a long text is cut into word windows that keep every word, and never more than the cap', () => {
    const words = Array.from({ length: 83 }, (_, i) => `w${i}`);
    const windows = splitIntoWindows(words.join(' '), 40);
    expect(windows).toHaveLength(3);
    expect(windows[2]).toBe('w80 w81 w82');
    expect(windows.join(' ')).toBe(words.join(' '));
    expect(splitIntoWindows('x '.repeat(40 * (MAX_WINDOWS + 5)), 40)).toHaveLength(MAX_WINDOWS);
  });

  it('the window follows the model token limit, within bounds', () => {
    expect(wordsPerWindow(128)).toBe(84);
    expect(wordsPerWindow(64)).toBe(41);
    expect(wordsPerWindow(4)).toBe(MIN_WORDS_PER_WINDOW);
    expect(wordsPerWindow(100_000)).toBe(MAX_WORDS_PER_WINDOW);
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
