import { describe, expect, it } from 'vitest';
import { keepNewestChars, MAX_INPUT_CHARS } from '../../src/classifier/max-input-chars.js';

describe('keepNewestChars', () => {
  it('keeps a text of up to the limit as it is, and the last 4,000 characters of a longer one', () => {
    const atLimit = 'a'.repeat(MAX_INPUT_CHARS);
    expect(keepNewestChars(atLimit)).toBe(atLimit);
    expect(keepNewestChars(`old ${atLimit}`)).toBe(atLimit);
  });

  it('does not start the kept text with half an emoji', () => {
    const kept = keepNewestChars(`${'😀'.repeat(MAX_INPUT_CHARS / 2)}!`);
    expect(kept).toBe(`${'😀'.repeat(MAX_INPUT_CHARS / 2 - 1)}!`);
  });
});
