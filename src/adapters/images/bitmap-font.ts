/** Every glyph is 5 pixels wide, like the classic 5x7 LCD fonts: the narrowest that keeps "m" and "w" readable. */
export const GLYPH_WIDTH = 5;

/** 7 rows from cap height to baseline, plus 2 below it for the descenders of g, j, p, q, y and the comma. */
export const GLYPH_HEIGHT = 9;

/** One blank column between glyphs keeps neighbours from touching. */
export const GLYPH_SPACING = 1;

/** Row digits are base 32: one character holds one 5-pixel row. */
const ROW_RADIX = 32;

/**
 * Each glyph is its rows from the top, one base-32 digit per row, the high bit on the left
 * ('h' = 17 = #...#). Trailing blank rows are left out.
 */
const GLYPHS: Readonly<Record<string, string>> = {
  A: 'ehhvhhh', B: 'uhhuhhu', C: 'ehggghe', D: 'uhhhhhu', E: 'vgguggv', F: 'vgguggg', G: 'ehgnhhf',
  H: 'hhhvhhh', I: 'e44444e', J: '72222ic', K: 'hikokih', L: 'ggggggv', M: 'hrllhhh', N: 'hhpljhh',
  O: 'ehhhhhe', P: 'uhhuggg', Q: 'ehhhlid', R: 'uhhukih', S: 'fgge11u', T: 'v444444', U: 'hhhhhhe',
  V: 'hhhhha4', W: 'hhhllla', X: 'hha4ahh', Y: 'hha4444', Z: 'v1248gv',
  a: '00e1fhf', b: 'ggmphhu', c: '00egghe', d: '11djhhf', e: '00ehvge', f: '698s888', g: '00fhhf1he',
  h: 'ggmphhh', i: '40c444e', j: '2062222ic', k: 'ggikoki', l: 'c44444e', m: '00qllll', n: '00mphhh',
  o: '00ehhhe', p: '00uhhhugg', q: '00fhhhf11', r: '00mpggg', s: '00fge1u', t: '88s8896', u: '00hhhjd',
  v: '00hhha4', w: '00hhlla', x: '00ha4ah', y: '00hhhhf1e', z: '00v248v',
  '0': 'ehjlphe', '1': '4c4444e', '2': 'eh1248v', '3': 'v2421he', '4': '26aiv22', '5': 'vgu11he',
  '6': '68guhhe', '7': 'v124888', '8': 'ehhehhe', '9': 'ehhf12c',
  ' ': '', '.': '00000cc', ',': '00000cc48', '%': 'op248j3', ':': '0cc0cc', '-': '000v', '(': '2488842',
  ')': '8422248', '/': '01248g', "'": '448', '!': '4444404', '?': 'eh12404',
};

/** What a character outside the font draws as: an empty box, so a gap in the font is visible, not silent. */
const MISSING_GLYPH = 'vhhhhhv';

/** The characters the font draws; anything else draws as a box. */
export const FONT_CHARACTERS: readonly string[] = Object.keys(GLYPHS);

/** The rows of one character's glyph, top first, each a GLYPH_WIDTH-bit mask with the leftmost pixel high. */
export function glyphRows(char: string): readonly number[] {
  const digits = GLYPHS[char] ?? MISSING_GLYPH;
  return Array.from({ length: GLYPH_HEIGHT }, (_, row) => parseInt(digits[row] ?? '0', ROW_RADIX));
}

export function hasGlyph(char: string): boolean {
  return char in GLYPHS;
}
