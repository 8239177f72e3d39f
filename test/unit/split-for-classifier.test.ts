import { describe, expect, it } from 'vitest';
import { MAX_WINDOWS, splitIntoWindows, windowLimits, wordsPerWindow, type TextWindow } from '../../src/domain/split-for-classifier.js';

/** A word of the form "w12" or "long12": "long" words take 10 pieces, the others 1. */
const pieces = (word: string): number => (word.startsWith('long') ? 10 : 1);

function tokensIn(window: TextWindow): number {
  return window.text.split(' ').reduce((sum, word) => sum + pieces(word), 0);
}

function wordsRead(windows: readonly TextWindow[]): Set<string> {
  return new Set(windows.flatMap((window) => window.text.split(' ')));
}

describe('cutting a text into windows by the pieces its words take', () => {
  it('a window holds no more pieces than the model reads, however few words they are', () => {
    // 30 words, under the 40-word window, but 150 pieces where the model reads 50.
    const words = Array.from({ length: 30 }, (_, i) => (i < 15 ? `long${i}` : `w${i}`));
    const windows = splitIntoWindows(words.join(' '), { words: 40, tokens: 50 }, pieces);
    expect(windows.length).toBeGreaterThan(1);
    for (const window of windows) expect(tokensIn(window)).toBeLessThanOrEqual(50);
    expect(words.filter((word) => !wordsRead(windows).has(word))).toEqual([]);
    expect(windows.at(-1)!.text.endsWith(' w28 w29')).toBe(true);
  });

  it('still counts each word once in all, however many windows read it', () => {
    const words = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `long${i}` : `w${i}`));
    const windows = splitIntoWindows(words.join(' '), { words: 40, tokens: 50 }, pieces);
    expect(windows.reduce((sum, window) => sum + window.words, 0)).toBeCloseTo(30);
  });

  it('reads the words at the end of a text that fits a window by words but not by pieces', () => {
    const text = `${Array.from({ length: 10 }, (_, i) => `long${i}`).join(' ')} i hate this so much`;
    const windows = splitIntoWindows(text, { words: 40, tokens: 50 }, pieces);
    expect(windows.at(-1)!.text.endsWith('i hate this so much')).toBe(true);
    for (const window of windows) expect(tokensIn(window)).toBeLessThanOrEqual(50);
  });

  it('a word longer than a window is read in a window of its own, and the words around it still are', () => {
    // A pasted hash or blob: one piece per character, as many as a real tokenizer can make of it.
    const huge = 'x'.repeat(500);
    const piecesOf = (word: string): number => (word === huge ? huge.length : 1);
    const text = `i was fine ${huge} but now i am sad`;
    const windows = splitIntoWindows(text, { words: 40, tokens: 50 }, piecesOf);
    expect(windows.map((window) => window.text)).toEqual(['i was fine', huge, 'but now i am sad']);
    expect(windows.map((window) => window.words)).toEqual([3, 1, 5]);
  });

  it('a text no tokenizer could make too many pieces of (at most one a UTF-8 byte, and one more a word) is one window, its pieces never counted', () => {
    const counted: string[] = [];
    const text = 'ok see you at 5 😊 très bien';
    expect(splitIntoWindows(text, { words: 40, tokens: 50 }, (word) => (counted.push(word), 1))).toEqual([{ text, words: 8 }]);
    expect(counted).toEqual([]);
    // One byte more than that bound allows, and the pieces are counted.
    const longer = 'a'.repeat(50);
    expect(splitIntoWindows(longer, { words: 40, tokens: 50 }, (word) => (counted.push(word), 1))).toHaveLength(1);
    expect(counted).toEqual([longer]);
  });

  it('past the cap, the newest words are read, to the last, each window within its pieces', () => {
    const words = Array.from({ length: 2_000 }, (_, i) => (i % 2 === 0 ? `long${i}` : `w${i}`));
    const windows = splitIntoWindows(words.join(' '), { words: 40, tokens: 50 }, pieces);
    expect(windows).toHaveLength(MAX_WINDOWS);
    for (const window of windows) expect(tokensIn(window)).toBeLessThanOrEqual(50);
    expect(windows.at(-1)!.text.endsWith(' long1998 w1999')).toBe(true);
    // Back to back from the end, windows of 50 pieces at most hold 9 words (w1991 to w1999: 45 pieces),
    // then 8 words each (4 long, 4 short: 44 pieces).
    expect(wordsRead(windows)).toEqual(new Set(words.slice(-(9 + (MAX_WINDOWS - 1) * 8))));
  });

  it('where pieces do not bind, gives the windows it gave by words alone', () => {
    const words = Array.from({ length: 83 }, (_, i) => `w${i}`).join(' ');
    const byWords = splitIntoWindows(words, { words: 40, tokens: 1_000 }, () => 1);
    const atLimit = splitIntoWindows(words, { words: 40, tokens: 40 }, () => 1);
    expect(atLimit).toEqual(byWords);
    expect(byWords.map((window) => window.text.split(' ')[0])).toEqual(['w0', 'w22', 'w43']);
  });

  it('a window holds the model limit less [CLS] and [SEP], and as many words as before', () => {
    expect(windowLimits(128)).toEqual({ words: wordsPerWindow(128), tokens: 126 });
    expect(windowLimits(512)).toEqual({ words: wordsPerWindow(512), tokens: 510 });
  });
});
