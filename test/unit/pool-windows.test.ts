import { describe, expect, it } from 'vitest';
import type { LabelScore } from '../../src/domain/aggregate-scores.js';
import { characterCount, MAX_MESSAGE_CHARS } from '../../src/domain/message-limits.js';
import { normalizeChatText } from '../../src/domain/normalize-chat-text.js';
import { poolWindows, type WindowScores } from '../../src/domain/pool-windows.js';
import {
  MAX_WINDOWS,
  MAX_WORDS_PER_WINDOW,
  MIN_WORDS_PER_WINDOW,
  splitIntoWindows,
  windowLimits,
  wordsPerWindow,
  type TextWindow,
} from '../../src/domain/split-for-classifier.js';

const mapping = { sad: 'sadness', happy: 'joy', none: 'neutral' } as const;
const NEUTRAL_SCORES = [{ label: 'none', score: 0.9 }, { label: 'sad', score: 0.05 }, { label: 'happy', score: 0.05 }];
const SAD_SCORES = [{ label: 'none', score: 0.05 }, { label: 'sad', score: 0.9 }, { label: 'happy', score: 0.05 }];
const HAPPY_SCORES = [{ label: 'none', score: 0.05 }, { label: 'sad', score: 0.05 }, { label: 'happy', score: 0.9 }];

/** Windows of `words` words, each word one token, so that only the word bound applies. */
function byWords(text: string, words: number): TextWindow[] {
  return splitIntoWindows(text, { words, tokens: words }, () => 1);
}

function window(scores: readonly LabelScore[], words: number): WindowScores {
  return { scores, words };
}

function score(pooled: readonly LabelScore[], label: string): number {
  return pooled.find((entry) => entry.label === label)!.score;
}

describe('reading long texts in windows', () => {
  it('a short text is one window, unchanged', () => {
    expect(byWords('i feel fine', 40).map((window) => window.text)).toEqual(['i feel fine']);
  });

  it('a text that fits the window is not cut', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    expect(byWords(words, 40).map((window) => window.text)).toEqual([words]);
  });

  it('a long text is read in the fewest full windows, spread evenly from its first word to its last', () => {
    const words = Array.from({ length: 83 }, (_, i) => `w${i}`);
    const windows = byWords(words.join(' '), 40);
    expect(windows).toHaveLength(3);
    for (const window of windows) expect(window.text.split(' ')).toHaveLength(40);
    expect(windows[0]!.text.startsWith('w0 w1 ')).toBe(true);
    expect(windows[2]!.text.endsWith(' w81 w82')).toBe(true);
    const read = new Set(windows.flatMap((window) => window.text.split(' ')));
    expect(words.filter((word) => !read.has(word))).toEqual([]);
    // Evenly: neighbours overlap alike, so no part of the text is read more often than another's.
    const starts = windows.map((window) => words.indexOf(window.text.split(' ')[0]!));
    expect(Math.abs(starts[1]! - starts[0]! - (starts[2]! - starts[1]!))).toBeLessThanOrEqual(1);
  });

  it('each window stands for its words, a word two windows read counting half in each: the text\'s words in all', () => {
    const words = Array.from({ length: 41 }, (_, i) => `w${i}`).join(' ');
    // w1..w39 are read twice: each window stands for its one word of its own and half of 39.
    expect(byWords(words, 40).map((window) => window.words)).toEqual([20.5, 20.5]);
    const long = Array.from({ length: 83 }, (_, i) => `w${i}`).join(' ');
    expect(byWords(long, 40).reduce((sum, window) => sum + window.words, 0)).toBeCloseTo(83);
    expect(byWords('i feel fine', 40)).toEqual([{ text: 'i feel fine', words: 3 }]);
  });

  it('past the cap, the newest words are read, to the last', () => {
    const words = Array.from({ length: 40 * (MAX_WINDOWS + 5) + 7 }, (_, i) => `w${i}`);
    const windows = byWords(words.join(' '), 40);
    expect(windows).toHaveLength(MAX_WINDOWS);
    expect(windows.map((window) => window.text).join(' ')).toBe(words.slice(-40 * MAX_WINDOWS).join(' '));
  });

  it('a Discord message of 4,000 characters is read to its end, though emoji and "?" are words of their own', () => {
    const message = `${'ok?'.repeat(1_300)} my best friend died today and i feel so alone and heartbroken`;
    expect(characterCount(message)).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    // "ok" and "?" are a token each.
    const windows = splitIntoWindows(normalizeChatText(message), windowLimits(128), () => 1);
    expect(windows).toHaveLength(MAX_WINDOWS);
    expect(windows.at(-1)!.text.endsWith('so alone and heartbroken')).toBe(true);
  });

  it('the window follows the model token limit, within bounds', () => {
    expect(wordsPerWindow(128)).toBe(84);
    expect(wordsPerWindow(64)).toBe(41);
    expect(wordsPerWindow(4)).toBe(MIN_WORDS_PER_WINDOW);
    expect(wordsPerWindow(100_000)).toBe(MAX_WORDS_PER_WINDOW);
  });

  it('an emotional window outweighs neutral ones', () => {
    const pooled = poolWindows([...Array.from({ length: 3 }, () => window(NEUTRAL_SCORES, 40)), window(SAD_SCORES, 40)], mapping);
    expect(score(pooled, 'sad')).toBeGreaterThan(score(pooled, 'none'));
    expect(pooled.reduce((sum, entry) => sum + entry.score, 0)).toBeCloseTo(1);
  });

  it('all-neutral windows stay neutral', () => {
    const pooled = poolWindows([window(NEUTRAL_SCORES, 40), window(NEUTRAL_SCORES, 40)], mapping);
    expect(score(pooled, 'none')).toBeCloseTo(0.9);
  });

  it('a few words past a window weigh as a few words, not as a whole window', () => {
    const pooled = poolWindows([window(SAD_SCORES, 84), window(HAPPY_SCORES, 3)], mapping);
    // Equally intense, so each word counts alike: 84 words sad at 0.9 and 3 at 0.05.
    expect(score(pooled, 'sad')).toBeCloseTo((84 * 0.9 + 3 * 0.05) / 87);
    expect(score(pooled, 'happy')).toBeCloseTo((84 * 0.05 + 3 * 0.9) / 87);
  });
});
