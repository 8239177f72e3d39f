import { describe, expect, it } from 'vitest';
import { newestWithinTokens } from '../../src/adapters/llama/newest-within-tokens.js';

/** A stand-in tokenizer: one token per 4 UTF-16 units, and 3 for the quoting around the text. */
const count = (text: string) => Math.ceil(text.length / 4) + 3;

describe('newestWithinTokens', () => {
  it('keeps a text that fits whole', () => {
    expect(newestWithinTokens('I am so happy today', 100, count)).toBe('I am so happy today');
  });

  it('keeps the newest part of a long text, within the budget, as close to it as a few cuts get', () => {
    const text = `${'older words '.repeat(500)}and the ending that matters`;
    const kept = newestWithinTokens(text, 100, count);
    expect(text.endsWith(kept)).toBe(true);
    expect(count(kept)).toBeLessThanOrEqual(100);
    expect(count(kept)).toBeGreaterThan(85);
  });

  it('never starts inside an emoji, and gives up to nothing when even one character is too many', () => {
    const kept = newestWithinTokens('👨‍👩‍👧'.repeat(400), 50, count);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.startsWith('👨‍👩‍👧')).toBe(true);
    expect(newestWithinTokens('abc', 2, count)).toBe('');
  });
});
