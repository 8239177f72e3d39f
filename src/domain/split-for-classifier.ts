/**
 * A classifier reads a bounded number of tokens; a long message (Discord allows 4,000 characters)
 * is read in word windows that fit, so an emotion at its end is not cut off.
 */

/**
 * WordPiece spends about 1.3 pieces per English word; 1.5 leaves room for slang and emoji. Bounds
 * a window's words only: its real pieces are counted (WindowLimits.tokens), as a pasted stack
 * trace or long identifiers take several pieces a word.
 */
const TOKENS_PER_WORD = 1.5;
/** [CLS] and [SEP]. */
const SPECIAL_TOKENS = 2;
/** Bounds on a window, whatever the model's limit: long windows dilute a short emotional aside. */
export const MIN_WORDS_PER_WINDOW = 8;
export const MAX_WORDS_PER_WINDOW = 200;
/**
 * Bounds the work one message adds to a batch. 24 of the shipped model's 84-word windows hold some
 * 10,000 characters of prose, but fewer than 4,000 of emoji or "?!" (a word each once normalised).
 */
export const MAX_WINDOWS = 24;

/** A stretch of a text the classifier reads at once. */
export interface TextWindow {
  readonly text: string;
  /** The text's words it stands for: each of its words, a word read by n windows counting 1/n. */
  readonly words: number;
}

/** What one window may hold. */
export interface WindowLimits {
  /** Words (wordsPerWindow), which alone bound a window of prose: long windows dilute a short aside. */
  readonly words: number;
  /** The model's tokens, [CLS] and [SEP] aside: past them the model reads nothing. */
  readonly tokens: number;
}

/** The words that fit one window of a model that reads `maxTokens` tokens (its tokenizer's limit or its position table's, the fewer). */
export function wordsPerWindow(maxTokens: number): number {
  const words = Math.floor((maxTokens - SPECIAL_TOKENS) / TOKENS_PER_WORD);
  return Math.min(MAX_WORDS_PER_WINDOW, Math.max(MIN_WORDS_PER_WINDOW, words));
}

/** A window of a model that reads `maxTokens` tokens (its tokenizer's limit or its position table's, the fewer). */
export function windowLimits(maxTokens: number): WindowLimits {
  return { words: wordsPerWindow(maxTokens), tokens: Math.max(1, maxTokens - SPECIAL_TOKENS) };
}

/**
 * Splits a text into at most MAX_WINDOWS windows, each within `limits` by the tokens `tokensOf`
 * counts in its words; a text that fits is one window, unchanged. Full windows read better than
 * short ones (dair-ai's test sentences read in 20- to 41-word windows scored 4 to 6 points lower
 * cut in equal parts), so a longer text is read in the fewest full windows, spread evenly from its
 * first word to its last and overlapping, not in full windows and a tail of a few words read out
 * of context. A word longer than a window is a window of its own, which the model reads as far as
 * it can, and the words after it are still read.
 */
export function splitIntoWindows(text: string, limits: WindowLimits, tokensOf: (word: string) => number): TextWindow[] {
  const all = text.split(/\s+/).filter(Boolean);
  // Most chat fits one window by a bound alone, and is never tokenized twice (here and by the model).
  if (all.length <= limits.words && all.reduce((sum, word) => sum + mostTokensOf(word), 0) <= limits.tokens) return [{ text, words: all.length }];
  const allTokens = all.map(tokensOf);
  // The fewest windows, back to back from the last word; over the cap the oldest words go, as
  // wherever feelbot cuts a text: the newest says how the author feels now.
  const fromEnd: number[] = [];
  for (let end = all.length; end > 0 && fromEnd.length < MAX_WINDOWS; end = fromEnd[0]!) {
    fromEnd.unshift(windowStartBefore(allTokens, end, limits));
  }
  if (fromEnd.length <= 1) return [{ text, words: all.length }];
  const first = fromEnd[0]!;
  const words = all.slice(first);
  const tokens = allTokens.slice(first);
  const earliest = fromEnd.map((start) => start - first);
  const count = earliest.length;
  // Where the last window starts, shared out evenly; a window starts no later than the one before
  // it ends, and no earlier than the windows back to back from the end do, so the rest reach the last word.
  const step = earliest[count - 1]! / (count - 1);
  const starts = [0];
  for (let index = 1; index < count; index++) {
    const previousEnd = windowEndAfter(tokens, starts[index - 1]!, limits);
    starts.push(Math.max(earliest[index]!, Math.min(Math.round(index * step), previousEnd)));
  }
  const spans = starts.map((start) => [start, windowEndAfter(tokens, start, limits)] as const);
  const readers = new Array<number>(words.length).fill(0);
  for (const [start, end] of spans) for (let at = start; at < end; at++) readers[at]!++;
  return spans.map(([start, end]) => ({
    text: words.slice(start, end).join(' '),
    words: readers.slice(start, end).reduce((sum, n) => sum + 1 / n, 0),
  }));
}

/**
 * The most pieces any tokenizer makes of a word: one per UTF-8 byte (WordPiece splits no finer
 * than a character, byte-level BPE and SentencePiece's byte fallback no finer than a byte), and
 * one more for a word-start marker (SentencePiece's "▁").
 */
function mostTokensOf(word: string): number {
  let bytes = 1;
  for (const char of word) {
    const point = char.codePointAt(0)!;
    bytes += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Where the longest window from word `start` on ends: one word at least. */
function windowEndAfter(tokens: readonly number[], start: number, limits: WindowLimits): number {
  let end = start + 1;
  let used = tokens[start]!;
  while (end < tokens.length && end - start < limits.words && used + tokens[end]! <= limits.tokens) used += tokens[end++]!;
  return end;
}

/** Where the longest window that ends before word `end` starts: one word at least. */
function windowStartBefore(tokens: readonly number[], end: number, limits: WindowLimits): number {
  let start = end - 1;
  let used = tokens[start]!;
  while (start > 0 && end - start < limits.words && used + tokens[start - 1]! <= limits.tokens) used += tokens[--start]!;
  return start;
}
