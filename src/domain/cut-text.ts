/**
 * Cuts that count UTF-16 units, as `.length` and every limit in feelbot do, but never keep half of
 * a surrogate pair: when the cut falls inside an emoji, it drops the whole emoji (one unit more).
 */

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** True when a cut just before index `at` would separate a surrogate pair. */
function splitsPair(text: string, at: number): boolean {
  return at > 0 && at < text.length && isHighSurrogate(text.charCodeAt(at - 1)) && isLowSurrogate(text.charCodeAt(at));
}

/** The first `n` UTF-16 units of `text`, or `n - 1` when the n-th is the first half of an emoji. */
export function headChars(text: string, n: number): string {
  if (text.length <= n) return text;
  const end = Math.max(n, 0);
  return text.slice(0, splitsPair(text, end) ? end - 1 : end);
}

/** The last `n` UTF-16 units of `text`, or `n - 1` when the first of them is the second half of an emoji. */
export function tailChars(text: string, n: number): string {
  if (text.length <= n) return text;
  const start = text.length - Math.max(n, 0);
  return text.slice(splitsPair(text, start) ? start + 1 : start);
}
