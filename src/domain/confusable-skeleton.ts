/**
 * Letters of other scripts that read as a Latin letter, by the Latin letter they read as. Derived
 * from Unicode's confusables.txt (UTS #39, version 14.0.0): every entry whose source is one letter
 * of the Cyrillic, Greek, Armenian, Cherokee or (non-ASCII) Latin script and whose prototype is one
 * ASCII letter, less those NFKD already folds (full-width and mathematical letters) and those whose
 * case partner reads as another letter (Greek capital nu and upsilon, taken by their small letters'
 * looks, v and u, so the skeleton stays blind to case). TR39 maps capital I-like letters to "l",
 * as it does "I"; here they read "i", since a comparison without case makes "I" an "i".
 */
const LOOK_ALIKES = {
  a: '\u0251\u0391\u03B1\u0410\u0430\u13AA',
  b: '\u0184\u0392\u0412\u042C\u13CF\u13F4\uA7B4',
  c: '\u03F2\u03F9\u0421\u0441\u13DF\u1D04\uABAF',
  d: '\u0501\u13A0\u13E7',
  e: '\u0395\u0415\u0435\u04BD\u13AC\uAB32',
  f: '\u03DC\u0584\u1E9D\uA798\uA799\uAB35',
  g: '\u018D\u0261\u050C\u0581\u13C0\u13F3\u1D83',
  h: '\u0397\u041D\u04BB\u0570\u13BB\u13C2',
  i: '\u0196\u0269\u026A\u0399\u03B9\u0406\u0456\u04C0\u04CF\u13A5\uA647\uAB75',
  j: '\u037F\u03F3\u0408\u0458\u13AB\uA7B2',
  k: '\u039A\u041A\u13E6',
  l: '\u01C0\u13DE',
  m: '\u039C\u03FA\u041C\u13B7',
  n: '\u0578\u057C',
  o: '\u039F\u03BF\u03C3\u041E\u043E\u0555\u0585\u1D0F\u1D11\uAB3D',
  p: '\u03A1\u03C1\u0420\u0440\u13E2',
  q: '\u051B\u0563\u0566',
  r: '\u01A6\u0433\u13A1\u13D2\u1D26\uAB47\uAB48\uAB81',
  s: '\u01BD\u0405\u0455\u054F\u13D5\u13DA\uA731\uABAA',
  t: '\u03A4\u0422\u13A2',
  u: '\u028B\u03C5\u054D\u057D\u1D1C\uA79F\uAB4E\uAB52',
  v: '\u03BD\u0474\u0475\u13D9\u1D20\uABA9',
  w: '\u026F\u0461\u051C\u051D\u0561\u13B3\u13D4\u1D21\uAB83',
  x: '\u03A7\u0425\u0445\uA7B3',
  y: '\u0263\u028F\u03B3\u03D2\u0423\u0443\u04AE\u04AF\u13A9\u13BD\u1D8C\u1EFF\uAB5A',
  z: '\u0396\u13C3\u1D22\uAB93',
} as const;

/**
 * Latin small capitals, which "fancy font" names are typed in ("ᴊᴏʏ"), by the letter each is the
 * small capital of (Unicode names them LATIN LETTER SMALL CAPITAL A and so on). No compatibility
 * form folds them, and confusables.txt takes only those shaped as the small letter: ᴄ, ɪ, ᴏ, ꜱ, ᴜ,
 * ᴠ, ᴡ, ʏ and ᴢ are in LOOK_ALIKES above, and ʀ reads "r" through its capital Ʀ there. Modifier
 * small capitals ("ᶰ") fold to these through NFKD.
 */
const SMALL_CAPITALS = {
  a: '\u1D00',
  b: '\u0299',
  d: '\u1D05',
  e: '\u1D07',
  f: '\uA730',
  g: '\u0262',
  h: '\u029C',
  j: '\u1D0A',
  k: '\u1D0B',
  l: '\u029F',
  m: '\u1D0D',
  n: '\u0274',
  p: '\u1D18',
  q: '\uA7AF',
  t: '\u1D1B',
  '\u00E6': '\u1D01', // ae
  '\u0153': '\u0276', // oe
  '\u00F0': '\u1D06', // eth
  '\u0180': '\u1D03', // barred b
  '\u0142': '\u1D0C', // l with stroke
  '\u0268': '\u1D7B', // i with stroke
  '\u0289': '\u1D7E', // u with stroke
  '\u0260': '\u029B', // g with hook
  '\u026C': '\u{1DF04}', // l with belt
} as const;

/**
 * The first of each alphabet of symbols, A to Z in a row, that "fancy text" spells names in and no
 * compatibility form folds: negative circled letters ("🅙🅞🅨"), negative squared ones ("🅹🅾🆈") and
 * regional indicators ("🇯 🇴 🇾", a boxed letter where no second one pairs it into a flag). The
 * other such alphabets (mathematical bold, italic, script, fraktur, double-struck, sans-serif and
 * monospace letters, full-width, circled, squared and parenthesized ones) NFKD folds.
 */
const SYMBOL_ALPHABETS = [0x1f150, 0x1f170, 0x1f1e6] as const;
const LATIN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Digits TR39 reads as letters: 0 as O and 1 as l. Folding them merges a digit with a letter,
 * never two letters; TR39's "I" as "l" is left out, as it would merge "i" with "l".
 */
const DIGITS_READ_AS_LETTERS = { '0': 'o', '1': 'l' } as const;

/** A letter with its case variants as one: "Σ", "σ" and "ς" are all "σ"; "ẞ" and "ß" are "ss", as "SS" is. */
function caseFolded(char: string): string {
  return char.toLowerCase().toUpperCase().toLowerCase();
}

/** Each look-alike, small capital and symbol letter, case folded, to the Latin letter it reads as. */
const LATIN_READING: ReadonlyMap<string, string> = new Map([
  ...[LOOK_ALIKES, SMALL_CAPITALS].flatMap((table) =>
    Object.entries(table).flatMap(([latin, letters]) => [...letters].map((letter): [string, string] => [caseFolded(letter), latin])),
  ),
  ...SYMBOL_ALPHABETS.flatMap((first) => [...LATIN_ALPHABET].map((latin, i): [string, string] => [String.fromCodePoint(first + i), latin])),
  ...Object.entries(DIGITS_READ_AS_LETTERS),
]);

/** Characters that show nothing (zero-width ones, joiners, variation selectors, the Hangul fillers): they read as nothing. */
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

function readChar(char: string): string {
  if (IGNORABLE.test(char)) return '';
  const folded = caseFolded(char);
  const latin = LATIN_READING.get(folded);
  if (latin !== undefined) return latin;
  // Looked up before NFKD, which takes the lunate sigma "ϲ", that reads "c", for the final sigma.
  const compatible = char.normalize('NFKD');
  return compatible === char ? folded : [...compatible].map(readChar).join('');
}

/**
 * What a text reads as, to compare names only: without case, full-width or other compatibility
 * forms, "fancy text" alphabets or characters that show nothing, and with the letters of other
 * scripts that look Latin as those Latin letters ("Ｊｏｙ", "JOY", "ᴊᴏʏ", "𝐉𝐨𝐲", "Joyㅤ" with a Hangul
 * filler and "Jоy" with a Cyrillic "о" all read "joy"). Accents stay ("Jöy" is not "Joy"). One
 * letter's case variants read alike, so a few letters read as one only through a case partner
 * (Cyrillic "н" as "h", its capital "Н" looking like "H"). Never shown or sent.
 */
export function confusableSkeleton(text: string): string {
  return [...text.normalize('NFD')].map(readChar).join('').normalize('NFC');
}
