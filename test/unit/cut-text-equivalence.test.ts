import { describe, expect, it } from 'vitest';
import { headChars, headCharacters, tailChars, tailCharacters } from '../../src/domain/cut-text.js';

/**
 * The oracle: cut-text as it was when it spread the graphemes of the whole text, whose cuts were
 * right but took time and memory quadratic in the text's length. The new cuts must agree with it.
 */
const oracle = (() => {
  const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
  function boundaries(text: string): number[] {
    const found = [...graphemes.segment(text)].map((segment) => segment.index);
    found.push(text.length);
    return found;
  }
  function headChars(text: string, n: number): string {
    if (text.length <= n) return text;
    const limit = Math.max(n, 0);
    const end = boundaries(text).findLast((at) => at <= limit) ?? 0;
    return text.slice(0, end);
  }
  function tailChars(text: string, n: number): string {
    if (text.length <= n) return text;
    const limit = text.length - Math.max(n, 0);
    const start = boundaries(text).find((at) => at >= limit) ?? text.length;
    return text.slice(start);
  }
  function headCharacters(text: string, n: number): string {
    if (text.length <= n) return text;
    const points = [...text];
    return points.length <= n ? text : headChars(text, points.slice(0, Math.max(n, 0)).join('').length);
  }
  function tailCharacters(text: string, n: number): string {
    if (text.length <= n) return text;
    const points = [...text];
    return points.length <= n ? text : tailChars(text, n > 0 ? points.slice(-n).join('').length : 0);
  }
  return { headChars, tailChars, headCharacters, tailCharacters };
})();

/** Pieces whose grapheme rules look past their neighbours (joined emoji, flag parity, conjuncts) or break pairs. */
const PIECES = [
  'a', 'b', ' ', '\n', '\r', '\r\n', '\t', '\u0000', 'é', '漢',
  '\u{1F600}', // an emoji: a surrogate pair
  '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}', // a family joined with ZWJ
  '\u200D', // a ZWJ on its own
  '\u{1F3FD}', // a skin-tone modifier
  '\uFE0F', // a variation selector
  '\u2764', // a heart, pictographic, one unit
  '\u{1F1EB}', '\u{1F1F7}', // regional indicators: flags are pairs of them, counted from the run's start
  '\u0301', '\u0308', // combining accents
  '\uD83D', '\uDE00', // a high and a low surrogate on their own
  '\u1100', '\u1161', '\u11A8', '\uAC00', // Hangul jamo L, V, T and a syllable
  '\u0915', '\u094D', '\u0937', // Devanagari ka, virama, ssa: a conjunct
  '\u0600', // a prepend mark (Arabic number sign)
  '\u0903', // a spacing mark
  '\u0085', // a control (next line)
] as const;

/** A small seeded generator (mulberry32): the same strings on every run, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function randomText(next: () => number, pieces: readonly string[], maxPieces: number): string {
  const count = Math.floor(next() * (maxPieces + 1));
  let text = '';
  for (let i = 0; i < count; i++) text += pieces[Math.floor(next() * pieces.length)]!;
  return text;
}

const CUTS = ['headChars', 'tailChars', 'headCharacters', 'tailCharacters'] as const;
const CUT = { headChars, tailChars, headCharacters, tailCharacters };

/** Every cut at every length from -1 to past the end gives what the oracle gives; the first mismatch is reported. */
function mismatches(text: string): string[] {
  const found: string[] = [];
  for (const name of CUTS) {
    for (let n = -1; n <= text.length + 1; n++) {
      const expected = oracle[name](text, n);
      const actual = CUT[name](text, n);
      if (actual !== expected) found.push(`${name}(${JSON.stringify(text)}, ${n}) = ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    }
  }
  return found;
}

describe('cut-text cuts exactly where the whole-text grapheme split cut', () => {
  it('on random mixes of emoji, ZWJ sequences, flags, combining marks, lone surrogates and scripts, at every length', () => {
    const next = random(20_240_601);
    const found: string[] = [];
    for (let i = 0; i < 400 && found.length === 0; i++) found.push(...mismatches(randomText(next, PIECES, 40)));
    expect(found.slice(0, 5)).toEqual([]);
  });

  it('on long runs of regional indicators and joined emoji, where a boundary depends on what came long before', () => {
    const next = random(7);
    const heavy = ['\u{1F1EB}', '\u{1F1F7}', '\u200D', '\u{1F469}', '\u0301', 'a', '\uFE0F'];
    const found: string[] = [];
    for (let i = 0; i < 60 && found.length === 0; i++) found.push(...mismatches(randomText(next, heavy, 120)));
    expect(found.slice(0, 5)).toEqual([]);
  });
});
