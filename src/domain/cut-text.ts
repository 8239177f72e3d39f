/**
 * Cuts that count UTF-16 units (`.length`) or characters (code points, as Discord and feelbot's
 * limits count them), but only between
 * graphemes (what a reader sees as one character): a cut that would fall inside an emoji (a
 * surrogate pair, a family or a flag joined from several), or between a letter and its accent,
 * drops that whole grapheme instead, so no text ever shows half of one or a different one.
 *
 * Each cut asks for the one grapheme at the cut (`containing`), never spreads the graphemes of the
 * whole text: on V8 that costs time and memory quadratic in the text's length (a 40,000-character
 * eval row took 7 s and 1.6 GB, a 100,000-character one ran out of heap). ICU finds the grapheme
 * from a safe point near the index, yet as a split from the start would: a flag still pairs its
 * regional indicators counted from the start of their run.
 */

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Where the grapheme holding unit `at` of `text` starts and ends; both are `text.length` past its end. */
function graphemeAround(text: string, at: number): { start: number; end: number } {
  const found = graphemes.segment(text).containing(at);
  return found ? { start: found.index, end: found.index + found.segment.length } : { start: text.length, end: text.length };
}

/** At most the first `n` UTF-16 units of `text`, ending on a grapheme boundary. */
export function headChars(text: string, n: number): string {
  if (text.length <= n) return text;
  return text.slice(0, graphemeAround(text, Math.max(n, 0)).start);
}

/** At most the last `n` UTF-16 units of `text`, starting on a grapheme boundary. */
export function tailChars(text: string, n: number): string {
  if (text.length <= n) return text;
  const limit = text.length - Math.max(n, 0);
  const around = graphemeAround(text, limit);
  return text.slice(around.start === limit ? limit : around.end);
}

/** At most the first `n` characters (code points, as Discord counts them) of `text`, ending on a grapheme boundary. */
export function headCharacters(text: string, n: number): string {
  if (text.length <= n) return text;
  let units = 0;
  for (let points = 0; points < n && units < text.length; points++) units += startsSurrogatePair(text, units) ? 2 : 1;
  return headChars(text, units);
}

/** At most the last `n` characters (code points, as Discord counts them) of `text`, starting on a grapheme boundary. */
export function tailCharacters(text: string, n: number): string {
  if (text.length <= n) return text;
  let start = text.length;
  for (let points = 0; points < n && start > 0; points++) start -= endsSurrogatePair(text, start) ? 2 : 1;
  return tailChars(text, text.length - start);
}

/** A high surrogate at `at` followed by a low one: one code point in two units. A lone half counts as one. */
function startsSurrogatePair(text: string, at: number): boolean {
  return isHighSurrogate(text.charCodeAt(at)) && isLowSurrogate(text.charCodeAt(at + 1));
}

/** A low surrogate just before `end` preceded by a high one. */
function endsSurrogatePair(text: string, end: number): boolean {
  return end >= 2 && isLowSurrogate(text.charCodeAt(end - 1)) && isHighSurrogate(text.charCodeAt(end - 2));
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
