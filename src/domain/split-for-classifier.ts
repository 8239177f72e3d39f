/**
 * The shipped classifier reads 64 tokens; a long message (Discord allows 4,000 characters) is read
 * in windows of this many words, so an emotion at its end is not cut off.
 */
export const WORDS_PER_WINDOW = 40;
/** Enough windows for a 4,000-character message, bounded so one message can't flood a batch. */
export const MAX_WINDOWS = 24;

/** Splits a text into word windows; a short text is one window. */
export function splitIntoWindows(text: string): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length <= WORDS_PER_WINDOW) return [text];
  const windows: string[] = [];
  for (let start = 0; start < words.length && windows.length < MAX_WINDOWS; start += WORDS_PER_WINDOW) {
    windows.push(words.slice(start, start + WORDS_PER_WINDOW).join(' '));
  }
  return windows;
}
