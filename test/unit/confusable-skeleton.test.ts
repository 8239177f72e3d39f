import { describe, expect, it } from 'vitest';
import { confusableSkeleton } from '../../src/domain/confusable-skeleton.js';

/** Every code point from `first` to `last`, as strings. */
function codePoints(first: number, last: number): string[] {
  return Array.from({ length: last - first + 1 }, (_, i) => String.fromCodePoint(first + i));
}

/** Latin (with IPA and small capitals), Greek, Cyrillic, Armenian and Cherokee: the scripts the look-alike table draws from. */
const TABLE_SCRIPTS = [
  ...codePoints(0x0000, 0x058f),
  ...codePoints(0x13a0, 0x13ff),
  ...codePoints(0x1d00, 0x1dbf),
  ...codePoints(0x1e00, 0x1fff),
  ...codePoints(0xa640, 0xa69f),
  ...codePoints(0xa720, 0xa7ff),
  ...codePoints(0xab30, 0xabbf),
];

describe('confusableSkeleton', () => {
  it('reads a name in any case, width or look-alike letters of another script as the Latin name', () => {
    for (const name of ['Joy', 'JOY', 'joy', '\uFF2A\uFF4F\uFF59', 'J\u043Ey', 'J\u03BFy', '\u0408\u041E\u04AE', 'J\u041E\u0443', '\u13AB\u041E\u03D2']) {
      expect(confusableSkeleton(name), JSON.stringify(name)).toBe('joy');
    }
  });

  it('reads the character marker spelt with Cyrillic or Greek letters as the marker', () => {
    expect(confusableSkeleton('\u0441haracter')).toBe('character');
    expect(confusableSkeleton('\u0421\u041D\u0410R\u0410\u0421\u0422\u0415R')).toBe('character'); // Cyrillic has no R
    expect(confusableSkeleton('\u03F2haracter')).toBe('character'); // lunate sigma, which NFKD alone takes for a final sigma
  });

  it("reads Greek nu and upsilon as their small letters' look, v and u, in either case", () => {
    expect(confusableSkeleton('Lo\u03BDe')).toBe('love');
    expect(confusableSkeleton('S\u03C5rprise')).toBe('surprise');
    expect(confusableSkeleton('\u039D')).toBe(confusableSkeleton('\u03BD'));
    expect(confusableSkeleton('\u03A5')).toBe(confusableSkeleton('\u03C5'));
  });

  it('keeps accents, on Latin letters and on their look-alikes alike', () => {
    expect(confusableSkeleton('J\u00F6y')).toBe('j\u00F6y');
    expect(confusableSkeleton('Jo\u0308y')).toBe('j\u00F6y');
    expect(confusableSkeleton('J\u04E7y')).toBe('j\u00F6y'); // Cyrillic o with diaeresis
    expect(confusableSkeleton('Joy')).not.toBe(confusableSkeleton('J\u00F6y'));
  });

  it('reads 0 as o and 1 as l, as TR39 does, but keeps the letters i and l apart', () => {
    expect(confusableSkeleton('J0Y')).toBe('joy');
    expect(confusableSkeleton('Bi11')).toBe('bill');
    expect(confusableSkeleton('Ivy')).toBe('ivy');
    expect(confusableSkeleton('lvy')).toBe('lvy');
    expect(confusableSkeleton('2024')).toBe('2o24');
  });

  it('leaves letters that look like no Latin letter as they are, in lower case', () => {
    expect(confusableSkeleton('\u0414\u0416\u03BB\u03C0')).toBe('\u0434\u0436\u03BB\u03C0');
    expect(confusableSkeleton('\u559C\u3073 \u{1F31E}')).toBe('\u559C\u3073 \u{1F31E}');
  });

  it('reads ASCII text as its lower case, but for the digits 0 and 1', () => {
    const ascii = codePoints(0x20, 0x7e).join('');
    expect(confusableSkeleton(ascii)).toBe(ascii.toLowerCase().replace('0', 'o').replace('1', 'l'));
  });

  it('reads every letter of the scripts it folds as its capital and its small letter read', () => {
    for (const char of TABLE_SCRIPTS) {
      const reading = confusableSkeleton(char);
      expect(confusableSkeleton(char.toUpperCase()), char).toBe(reading);
      expect(confusableSkeleton(char.toLowerCase()), char).toBe(reading);
    }
  });
});
