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

  it('reads Latin small capitals, the "fancy font" names are typed in, as the letters they are capitals of', () => {
    // Every basic letter but x, which has no small capital.
    expect(confusableSkeleton('\u1D00\u0299\u1D04\u1D05\u1D07\uA730\u0262\u029C\u026A\u1D0A\u1D0B\u029F\u1D0D\u0274\u1D0F\u1D18\uA7AF\u0280\uA731\u1D1B\u1D1C\u1D20\u1D21x\u028F\u1D22')).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(confusableSkeleton('\u1D0A\u1D0F\u028F')).toBe('joy');
    expect(confusableSkeleton('\uA7AE')).toBe('i'); // the capital of small capital I
    expect(confusableSkeleton('\u1DB0\u{10784}\u{107AA}')).toBe('nbr'); // modifier small capitals, through NFKD
    // Those of a letter with a stroke, belt or hook, or of a ligature, read as that small letter.
    expect(confusableSkeleton('\u1D01\u0276\u1D06\u1D03\u1D0C\u1D7B\u1D7E\u029B\u{1DF04}')).toBe('\u00E6\u0153\u00F0\u0180\u0142\u0268\u0289\u0260\u026C');
  });

  it('reads the symbol alphabets no compatibility form folds as Latin letters: negative circled, negative squared, regional indicators', () => {
    for (const first of [0x1f150, 0x1f170, 0x1f1e6]) {
      const alphabet = codePoints(first, first + 25).join('');
      expect(confusableSkeleton(alphabet), alphabet).toBe('abcdefghijklmnopqrstuvwxyz');
    }
    for (const name of ['\u{1F159}\u{1F15E}\u{1F168}', '\u{1F179}\u{1F17E}\u{1F188}', '\u{1F1EF}\u{1F1F4}\u{1F1FE}']) expect(confusableSkeleton(name), name).toBe('joy');
  });

  it('reads "Joy" in each fancy text alphabet NFKD folds as "joy"', () => {
    const joys = [
      '\u{1D409}\u{1D428}\u{1D432}', // mathematical bold
      '\u{1D43D}\u{1D45C}\u{1D466}', // italic
      '\u{1D471}\u{1D490}\u{1D49A}', // bold italic
      '\u{1D4A5}\u2134\u{1D4CE}', // script, its o from Letterlike Symbols
      '\u{1D4D9}\u{1D4F8}\u{1D502}', // bold script
      '\u{1D50D}\u{1D52C}\u{1D536}', // fraktur
      '\u{1D575}\u{1D594}\u{1D59E}', // bold fraktur
      '\u{1D541}\u{1D560}\u{1D56A}', // double-struck
      '\u{1D5A9}\u{1D5C8}\u{1D5D2}', // sans-serif
      '\u{1D5DD}\u{1D5FC}\u{1D606}', // sans-serif bold
      '\u{1D611}\u{1D630}\u{1D63A}', // sans-serif italic
      '\u{1D645}\u{1D664}\u{1D66E}', // sans-serif bold italic
      '\u{1D679}\u{1D698}\u{1D6A2}', // monospace
      '\uFF2A\uFF4F\uFF59', // full width
      '\u24BF\u24DE\u24E8', // circled
      '\u{1F139}\u{1F13E}\u{1F148}', // squared
      '\u1D36\u1D52\u02B8', // modifier letters ("tiny text")
    ];
    for (const name of joys) expect(confusableSkeleton(name), name).toBe('joy');
    const bold = codePoints(0x1d400, 0x1d433).join('');
    expect(confusableSkeleton(bold)).toBe('abcdefghijklmnopqrstuvwxyz'.repeat(2));
    expect(confusableSkeleton(codePoints(0x1d7ce, 0x1d7d7).join(''))).toBe('ol23456789'); // bold digits, 0 and 1 as letters
    // Parenthesized letters keep the parentheses NFKD gives them, which a reader sees too.
    expect(confusableSkeleton('\u24A5\u24AA\u24B4')).toBe('(j)(o)(y)');
  });

  it('reads the characters that show nothing as nothing: the Hangul fillers, zero-width ones, joiners, variation selectors, tags', () => {
    for (const invisible of ['\u3164', '\uFFA0', '\u115F', '\u1160', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u034F', '\u180B', '\uFE0F', '\u{E0100}', '\u{E0068}']) {
      expect(confusableSkeleton(`J${invisible}oy${invisible}`), JSON.stringify(invisible)).toBe('joy');
    }
    expect(confusableSkeleton('\u3164')).toBe('');
  });

  it('reads every letter of the scripts it folds as its capital and its small letter read', () => {
    for (const char of TABLE_SCRIPTS) {
      const reading = confusableSkeleton(char);
      expect(confusableSkeleton(char.toUpperCase()), char).toBe(reading);
      expect(confusableSkeleton(char.toLowerCase()), char).toBe(reading);
    }
  });
});
