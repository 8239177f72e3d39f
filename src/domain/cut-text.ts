/**
 * Cuts that count UTF-16 units (`.length`) or characters (code points, as Discord and feelbot's
 * limits count them), but only between
 * graphemes (what a reader sees as one character): a cut that would fall inside an emoji (a
 * surrogate pair, a family or a flag joined from several), or between a letter and its accent,
 * drops that whole grapheme instead, so no text ever shows half of one or a different one.
 */

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The grapheme boundaries of `text`, from 0 to `text.length`. */
function boundaries(text: string): number[] {
  const found = [...graphemes.segment(text)].map((segment) => segment.index);
  found.push(text.length);
  return found;
}

/** At most the first `n` UTF-16 units of `text`, ending on a grapheme boundary. */
export function headChars(text: string, n: number): string {
  if (text.length <= n) return text;
  const limit = Math.max(n, 0);
  const end = boundaries(text).findLast((at) => at <= limit) ?? 0;
  return text.slice(0, end);
}

/** At most the last `n` UTF-16 units of `text`, starting on a grapheme boundary. */
export function tailChars(text: string, n: number): string {
  if (text.length <= n) return text;
  const limit = text.length - Math.max(n, 0);
  const start = boundaries(text).find((at) => at >= limit) ?? text.length;
  return text.slice(start);
}

/** At most the first `n` characters (code points, as Discord counts them) of `text`, ending on a grapheme boundary. */
export function headCharacters(text: string, n: number): string {
  if (text.length <= n) return text;
  const points = [...text];
  return points.length <= n ? text : headChars(text, points.slice(0, Math.max(n, 0)).join('').length);
}

/** At most the last `n` characters (code points, as Discord counts them) of `text`, starting on a grapheme boundary. */
export function tailCharacters(text: string, n: number): string {
  if (text.length <= n) return text;
  const points = [...text];
  return points.length <= n ? text : tailChars(text, n > 0 ? points.slice(-n).join('').length : 0);
}
