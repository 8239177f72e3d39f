import { describe, expect, it } from 'vitest';
import { headChars, tailChars } from '../../src/domain/cut-text.js';

/** Half of a surrogate pair on its own: what a cut through an emoji leaves behind. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('headChars', () => {
  it('drops a whole emoji whose second half would fall past the limit, never half of it', () => {
    const cut = headChars('ab😀c', 3);
    expect(cut).toBe('ab');
    expect(cut).not.toMatch(LONE_SURROGATE);
  });

  it('keeps an emoji that ends exactly at the limit', () => {
    expect(headChars('ab😀c', 4)).toBe('ab😀');
  });

  it('cuts plain ASCII exactly at the limit, and leaves a text within it as it is', () => {
    expect(headChars('abcdef', 3)).toBe('abc');
    expect(headChars('abc', 3)).toBe('abc');
    expect(headChars('abc', 0)).toBe('');
  });
});

describe('tailChars', () => {
  it('drops a whole emoji whose first half would fall before the limit, never half of it', () => {
    const cut = tailChars('a😀bc', 3);
    expect(cut).toBe('bc');
    expect(cut).not.toMatch(LONE_SURROGATE);
  });

  it('keeps an emoji that starts exactly at the limit', () => {
    expect(tailChars('a😀bc', 4)).toBe('😀bc');
  });

  it('cuts plain ASCII exactly at the limit, and leaves a text within it as it is', () => {
    expect(tailChars('abcdef', 3)).toBe('def');
    expect(tailChars('abc', 3)).toBe('abc');
    // slice(-0) would keep everything.
    expect(tailChars('abc', 0)).toBe('');
  });
});
