import { describe, expect, it } from 'vitest';
import { headChars, headCharacters, tailChars, tailCharacters } from '../../src/domain/cut-text.js';

const FAMILY = '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}'; // woman, ZWJ, woman, ZWJ, girl: 8 units, one emoji
const FLAG = '\u{1F1EB}\u{1F1F7}'; // two regional indicators: 4 units, one flag (France)
const ACCENTED = 'e\u0301'; // e and a combining acute accent: 2 units, one letter
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

  it('never cuts a joined emoji, a flag or an accented letter into a different one', () => {
    // Cut after "👩‍👩", a valid but different emoji, or after the first regional indicator, a lone letter.
    expect(headChars(`a${FAMILY}b`, 6)).toBe('a');
    expect(headChars(`a${FAMILY}b`, 9)).toBe(`a${FAMILY}`);
    expect(headChars(`a${FLAG}`, 3)).toBe('a');
    expect(headChars(`caf${ACCENTED}s`, 4)).toBe('caf');
    expect(headChars(`caf${ACCENTED}s`, 5)).toBe(`caf${ACCENTED}`);
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

  it('never starts inside a joined emoji, a flag or an accented letter', () => {
    expect(tailChars(`a${FAMILY}b`, 6)).toBe('b');
    expect(tailChars(`a${FAMILY}b`, 9)).toBe(`${FAMILY}b`);
    expect(tailChars(`${FLAG}b`, 3)).toBe('b');
    // Starting at the accent alone would put it on nothing.
    expect(tailChars(`caf${ACCENTED}s`, 2)).toBe('s');
  });

  it('cuts by characters as Discord counts them (an emoji is one), still between graphemes', () => {
    const emoji = '\u{1F600}';
    expect(headCharacters(emoji.repeat(3), 2)).toBe(emoji.repeat(2));
    expect(tailCharacters(`a${emoji.repeat(3)}`, 3)).toBe(emoji.repeat(3));
    expect(headCharacters('abc', 5)).toBe('abc');
    expect(tailCharacters(emoji.repeat(2), 2)).toBe(emoji.repeat(2));
    // A family is five code points joined into one grapheme: a cut inside it drops it whole.
    expect(tailCharacters(`${FAMILY}b`, 3)).toBe('b');
    expect(headCharacters(`a${FAMILY}`, 3)).toBe('a');
  });
});

describe('cutting a long text (an essay in an eval file, a burst of messages)', () => {
  // 200,000 units, 150,000 characters: the whole-text grapheme split once ran the heap out here.
  const LONG = 'ab\u{1F600}'.repeat(50_000);

  it('keeps the newest 4,000 characters of a 200,000-unit text', () => {
    expect(tailCharacters(LONG, 4_000)).toBe(`\u{1F600}${'ab\u{1F600}'.repeat(1_333)}`);
    expect(tailChars(LONG, 4_003)).toBe(`b\u{1F600}${'ab\u{1F600}'.repeat(1_000)}`);
    // 4,001 units would start inside an emoji.
    expect(tailChars(LONG, 4_001)).toBe('ab\u{1F600}'.repeat(1_000));
  });

  it('keeps the first 4,000 characters of a 200,000-unit text', () => {
    expect(headCharacters(LONG, 4_000)).toBe(`${'ab\u{1F600}'.repeat(1_333)}a`);
    expect(headChars(LONG, 4_000)).toBe('ab\u{1F600}'.repeat(1_000));
    expect(headChars(LONG, 3_999)).toBe(`${'ab\u{1F600}'.repeat(999)}ab`);
  });

  it('counts flags from the start of a long run of regional indicators, not from where the cut looks', () => {
    const FRANCE = '\u{1F1EB}\u{1F1F7}';
    // One indicator more at the start shifts every pair (F+F, R+F, …): they still pair two by two from the run's start.
    const shifted = `\u{1F1EB}${FRANCE.repeat(25_000)}`;
    expect(tailChars(shifted, 4_002)).toBe(shifted.slice(-4_002));
    expect(tailChars(shifted, 4_001)).toBe(shifted.slice(-3_998));
    expect(tailChars(FRANCE.repeat(25_000), 4_002)).toBe(FRANCE.repeat(1_000));
    expect(headChars(shifted, 4_001)).toBe(`\u{1F1EB}${FRANCE.repeat(999)}\u{1F1EB}`);
  });
});
